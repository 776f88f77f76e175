/** How a hidden payload was encoded. */
export type PayloadEncoding = "base64" | "hex" | "url" | "rot13" | "leetspeak" | "unicode-tags";

/** A payload decoded out of a text for inspection. */
export interface DecodedPayload {
  encoding: PayloadEncoding;
  /** The decoding chain from the outside in, e.g. `["base64", "hex"]` for hex inside base64. */
  chain: PayloadEncoding[];
  text: string;
}

export interface DecodeOptions {
  /** Nesting levels to unwrap (base64 of hex of …). Default 3. */
  maxDepth?: number;
  /** Payloads to return at most. Default 32. */
  maxPayloads?: number;
  /** Characters of decoded text to produce at most, summed over payloads. Default 65,536. */
  maxChars?: number;
}

// Runs long enough to hide a sentence; shorter ones are ids and hashes.
const BASE64_RUN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const HEX_RUN = /(?:[0-9a-fA-F]{2}[ :]?){12,}/g;
const URL_RUN = /(?<![A-Za-z0-9._~+-])[A-Za-z0-9._~+-]{0,30}(?:%[0-9a-fA-F]{2}[A-Za-z0-9._~+-]{0,30}){3,}/g;
// Anchored at a word's start, so a long run of letters is scanned once, not once per position.
const LEET_WORD = /(?<![A-Za-z0-9@$])[A-Za-z0-9@$]*[013457@$][A-Za-z0-9@$]*/g;
const HAS_LEET = /[A-Za-z][013457@$]|[013457@$][A-Za-z]/;
const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  $: "s",
};
const STOPWORD_LIST =
  "the and you your to of is are all ignore previous instructions prompt system now tell me what print say";
const STOPWORDS = new RegExp(`\\b(?:${STOPWORD_LIST.replaceAll(" ", "|")})\\b`, "gi");
// The same words in ROT13, written out rather than computed at load (where a broken `rot13`
// would stop the module loading instead of failing a test); a test checks every word.
const ROT13_STOPWORDS = new RegExp(
  `\\b(?:${"gur naq lbh lbhe gb bs vf ner nyy vtaber cerivbhf vafgehpgvbaf cebzcg flfgrz abj gryy zr jung cevag fnl".replaceAll(" ", "|")})\\b`,
  "gi",
);
// UTF-8, not fatal: an invalid byte becomes U+FFFD, which `readsAsText` does not count.
const utf8 = new TextDecoder();

// A decoding that is itself an encoded run (base64 of base64, base64 of hex) is kept so that
// the next level can unwrap it.
const ENCODED_LAYER =
  /^(?:[A-Za-z0-9+/_-]{16,}={0,2}|(?:[0-9a-fA-F]{2}[ :]?){8,}|[A-Za-z0-9._~+-]*(?:%[0-9a-fA-F]{2}[A-Za-z0-9._~+-]*){3,})$/;

/** True when decoded bytes read as text, or as another layer of encoding. */
function readable(text: string): boolean {
  return readsAsText(text) || (text.length >= 16 && ENCODED_LAYER.test(text));
}

/** Mostly printable, some letters, a space or two. */
function readsAsText(text: string): boolean {
  if (text.length < 4) return false;
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which counts as nothing
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) continue;
    if (c >= 0x20 || c === 0x0a || c === 0x09) printable++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0xbf) letters++;
    if (c === 0x20) spaces++;
  }
  return printable / text.length > 0.95 && letters / text.length > 0.5 && spaces >= 1;
}

function fromBase64(run: string): string | undefined {
  // A run holds "=" only at its end (BASE64_RUN), and atob decodes unpadded base64 (the
  // forgiving decode of the HTML standard): it throws only on a length no base64 has, 4k + 1.
  const b64 = run.replace(/-/g, "+").replace(/_/g, "/").replace(/=/g, "");
  if (b64.length % 4 === 1) return undefined;
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  // Stryker disable next-line EqualityOperator: a write past a typed array's end is ignored
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const text = utf8.decode(bytes);
  return readable(text) ? text : undefined;
}

function fromHex(run: string): string | undefined {
  const hex = run.replace(/[ :]/g, "");
  const bytes = new Uint8Array(hex.length >> 1);
  // Stryker disable next-line EqualityOperator: a write past a typed array's end is ignored
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const text = utf8.decode(bytes);
  return readable(text) ? text : undefined;
}

function fromUrl(run: string): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(run.replace(/\+/g, " "));
  } catch {
    // Escapes that are not UTF-8 ("%C3%28"): no text to read.
    return undefined;
  }
  return readable(text) ? text : undefined;
}

// A–Z then a–z, each rotated by 13: the letter at c − 65 (upper case) or c − 71 (lower case).
const ROTATED = "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm";

/** ROT13 of a text (its own inverse). A loop over a typed array: 3× faster than a replace. */
export function rot13(text: string): string {
  const codes = new Uint16Array(text.length);
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, and a write past the array's end is ignored
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] =
      c >= 65 && c <= 90 ? ROTATED.charCodeAt(c - 65) : c >= 97 && c <= 122 ? ROTATED.charCodeAt(c - 71) : c;
  }
  let out = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
  // Stryker disable next-line EqualityOperator: one more slice past the end adds nothing
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.subarray(i, i + 8192));
  return out;
}

// A run is decoded from its first 128 Ki characters (a multiple of 4, so base64 stays aligned):
// the output budget is smaller than that anyway.
const clip = (run: string) => run.slice(0, 131_072);

function windowAt(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 256);
  return text.slice(start, start + length + 256);
}

function countStopwords(text: string): number {
  return text.match(STOPWORDS)?.length ?? 0;
}

/** Leetspeak folded back to letters, in words that mix letters with 0/1/3/4/5/7/@/$. */
export function unleet(text: string): string {
  return text.replace(LEET_WORD, (word) => {
    if (!/[A-Za-z]/.test(word) || word.length < 3) return word;
    let out = "";
    for (const ch of word) out += LEET[ch] ?? ch;
    return out;
  });
}

/**
 * Decodes what a text may hide from a reader or a filter: base64 (and base64url), hex, URL
 * percent-encoding, ROT13 and leetspeak, nested up to `maxDepth` levels. Only decodings that
 * read as text are kept, so hashes and ids yield nothing. Work and output are bounded by the
 * options, whatever the input.
 */
export function decodePayloads(text: string, options: DecodeOptions = {}): DecodedPayload[] {
  const maxDepth = options.maxDepth ?? 3;
  const maxPayloads = options.maxPayloads ?? 32;
  let budget = options.maxChars ?? 65_536;
  const found: DecodedPayload[] = [];
  const seen = new Set<string>();

  const add = (encoding: PayloadEncoding, chain: PayloadEncoding[], decoded: string | undefined) => {
    if (decoded === undefined || found.length >= maxPayloads || budget <= 0) return;
    const clipped = decoded.slice(0, budget);
    if (seen.has(clipped)) return;
    seen.add(clipped);
    budget -= clipped.length;
    found.push({ encoding, chain: [...chain, encoding], text: clipped });
  };

  const visit = (source: string, chain: PayloadEncoding[], depth: number) => {
    if (depth >= maxDepth) return;
    // The early exits below only save work: `add` refuses a payload past either limit anyway.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: work bound, same output (see above)
    if (found.length >= maxPayloads || budget <= 0) return;
    const start = found.length;
    for (const m of source.matchAll(BASE64_RUN)) {
      // A run that is all letters or all digits is a word or a number, not base64.
      if (!/[0-9+/]/.test(m[0]) || !/[A-Za-z]/.test(m[0])) continue;
      add("base64", chain, fromBase64(clip(m[0])));
      // Stryker disable next-line ConditionalExpression,EqualityOperator: work bound, same output (see above)
      if (found.length >= maxPayloads) break;
    }
    for (const m of source.matchAll(HEX_RUN)) add("hex", chain, fromHex(clip(m[0])));
    for (const m of source.matchAll(URL_RUN)) add("url", chain, fromUrl(clip(m[0])));
    // Stopwords written in ROT13 ("gur", "vtaber") almost never occur in real text, so three
    // of them say that part of the source is ROT13; only then is the whole text rotated.
    // Both are decoded from a little before their first sign, as far as the output budget goes.
    let rotHits = 0;
    let rotAt = 0;
    for (const m of source.matchAll(ROT13_STOPWORDS)) {
      if (rotHits++ === 0) rotAt = m.index;
      // Stryker disable next-line ConditionalExpression: work bound; three hits decide, more change nothing
      if (rotHits === 3) break;
    }
    if (rotHits >= 3) add("rot13", chain, rot13(windowAt(source, rotAt, budget)));
    const leetAt = source.search(HAS_LEET);
    // Stryker disable next-line ConditionalExpression: fast path; with no letter next to a leet sign, unleet changes no stopword
    if (leetAt >= 0) {
      const unleeted = unleet(windowAt(source, leetAt, budget));
      if (countStopwords(unleeted) > countStopwords(source)) add("leetspeak", chain, unleeted);
    }
    for (const payload of found.slice(start)) visit(payload.text, payload.chain, depth + 1);
  };

  visit(text, [], 0);
  return found;
}
