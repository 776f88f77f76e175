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
const ROT13_STOPWORDS = new RegExp(`\\b(?:${rot13(STOPWORD_LIST).replaceAll(" ", "|")})\\b`, "gi");
const utf8 = new TextDecoder("utf-8", { fatal: false });

// A decoding that is itself an encoded run (base64 of base64, base64 of hex) is kept so that
// the next level can unwrap it.
const ENCODED_LAYER =
  /^(?:[A-Za-z0-9+/_-]{16,}={0,2}|(?:[0-9a-fA-F]{2}[ :]?){8,}|[A-Za-z0-9._~+-]*(?:%[0-9a-fA-F]{2}[A-Za-z0-9._~+-]*){3,})$/;

/** True when decoded bytes read as text, or as another layer of encoding. */
function readable(text: string): boolean {
  return readsAsText(text) || (text.length >= 16 && text.length <= 131_072 && ENCODED_LAYER.test(text));
}

/** Mostly printable, some letters, a space or two. */
function readsAsText(text: string): boolean {
  if (text.length < 4) return false;
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) continue;
    if (c >= 0x20 || c === 0x0a || c === 0x09) printable++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0xbf) letters++;
    if (c === 0x20) spaces++;
  }
  return printable / text.length > 0.95 && letters / text.length > 0.5 && spaces >= 1;
}

function bytesToText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

function fromBase64(run: string): string | undefined {
  let b64 = run.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (b64.length % 4 === 1) return undefined;
  b64 += "=".repeat((4 - (b64.length % 4)) % 4);
  try {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const text = bytesToText(bytes);
    return readable(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function fromHex(run: string): string | undefined {
  const hex = run.replace(/[ :]/g, "");
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const text = bytesToText(bytes);
  return readable(text) ? text : undefined;
}

function fromUrl(run: string): string | undefined {
  try {
    const text = decodeURIComponent(run.replace(/\+/g, " "));
    return text !== run && readable(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** ROT13 of a text (its own inverse). */
export function rot13(text: string): string {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] = c >= 65 && c <= 90 ? ((c - 52) % 26) + 65 : c >= 97 && c <= 122 ? ((c - 84) % 26) + 97 : c;
  }
  let out = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
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

  const add = (encoding: PayloadEncoding, chain: PayloadEncoding[], decoded: string | undefined): boolean => {
    if (decoded === undefined || found.length >= maxPayloads || budget <= 0) return false;
    const clipped = decoded.slice(0, budget);
    if (seen.has(clipped)) return false;
    seen.add(clipped);
    budget -= clipped.length;
    found.push({ encoding, chain: [...chain, encoding], text: clipped });
    return true;
  };

  const visit = (source: string, chain: PayloadEncoding[], depth: number) => {
    if (depth >= maxDepth || found.length >= maxPayloads || budget <= 0) return;
    const start = found.length;
    for (const m of source.matchAll(BASE64_RUN)) {
      // A run that is all letters or all digits is a word or a number, not base64.
      if (!/[0-9+/]/.test(m[0]) || !/[A-Za-z]/.test(m[0])) continue;
      add("base64", chain, fromBase64(clip(m[0])));
      if (found.length >= maxPayloads) break;
    }
    for (const m of source.matchAll(HEX_RUN)) add("hex", chain, fromHex(clip(m[0].trim())));
    for (const m of source.matchAll(URL_RUN)) add("url", chain, fromUrl(clip(m[0])));
    // Stopwords written in ROT13 ("gur", "vtaber") almost never occur in real text, so three
    // of them say that part of the source is ROT13; only then is the whole text rotated.
    // Both are decoded from a little before their first sign, as far as the output budget goes.
    let rotHits = 0;
    let rotAt = 0;
    for (const m of source.matchAll(ROT13_STOPWORDS)) {
      if (rotHits++ === 0) rotAt = m.index;
      if (rotHits === 3) break;
    }
    if (rotHits >= 3) add("rot13", chain, rot13(windowAt(source, rotAt, budget)));
    const leetAt = source.search(HAS_LEET);
    const leetWindow = leetAt >= 0 ? windowAt(source, leetAt, budget) : "";
    const unleeted = leetAt >= 0 ? unleet(leetWindow) : leetWindow;
    if (unleeted !== source && countStopwords(unleeted) > countStopwords(source))
      add("leetspeak", chain, unleeted);
    const end = found.length;
    for (let i = start; i < end; i++) {
      const payload = found[i];
      if (payload) visit(payload.text, payload.chain, depth + 1);
    }
  };

  visit(text, [], 0);
  return found;
}
