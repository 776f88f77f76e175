// The reference implementations are Python; these helpers reproduce Python's `str.split()`,
// `str.strip()` and `len()` so that tokens and lengths agree character for character.

/** The characters Python's `str.split()` / `str.strip()` treat as whitespace (JS `\s` differs on U+001C–U+001F, U+0085, U+FEFF). */
const WS_CLASS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WS_RUN = new RegExp(`[${WS_CLASS}]+`);
const WS_RUN_G = new RegExp(`[${WS_CLASS}]+`, "g");
const WS_LEAD = new RegExp(`^[${WS_CLASS}]+`);
const WS_TRAIL = new RegExp(`[${WS_CLASS}]+$`);
const ANY_WS = new RegExp(`[${WS_CLASS}]`);

/** Python's `s.split()`: split on runs of Unicode whitespace, dropping empty strings. */
export function pySplit(s: string): string[] {
  if (s.length === 0) return [];
  const parts = s.split(WS_RUN);
  let start = 0;
  let end = parts.length;
  if (parts[0] === "") start = 1;
  if (end > start && parts[end - 1] === "") end--;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** Python's `' '.join(s.split())`: single spaces, no leading or trailing whitespace. */
export function pyCollapse(s: string): string {
  return s.replace(WS_RUN_G, " ").replace(/^ | $/g, "");
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(WS_TRAIL, "");
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(WS_LEAD, "").replace(WS_TRAIL, "");
}

/** True when `s` holds any Python whitespace character. */
export function hasPyWhitespace(s: string): boolean {
  return ANY_WS.test(s);
}

/** Python's `len(s)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
