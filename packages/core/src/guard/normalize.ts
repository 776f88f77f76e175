import { foldHomoglyphs } from "./homoglyphs.js";

/** What normalization changed, so a detector can count hiding tricks as evidence. */
export interface NormalizedText {
  /** NFKC, invisible and bidi controls removed, look-alike letters folded, whitespace collapsed (line breaks kept, one per run). */
  text: string;
  /** Zero-width, bidi-control, soft-hyphen and variation-selector characters removed. */
  invisible: number;
  /** Bidi embedding, override and isolate controls among them (the "Trojan Source" trick). */
  bidi: number;
  /** Look-alike letters folded to ASCII inside mixed-script words. */
  homoglyphs: number;
  /** Unpaired surrogates replaced by U+FFFD. */
  loneSurrogates: number;
  /**
   * Text hidden in Unicode tag characters (U+E0020–U+E007E), decoded to ASCII: invisible on
   * screen, read by models ("ASCII smuggling").
   */
  tagText: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: combining marks (U+034F, variation selectors) are listed as single code points to strip
  /[\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200D\u2060-\u2064\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;
const TAGS = /[\u{E0000}-\u{E007F}]/gu;
const TAG_TEST = /[\u{E0000}-\u{E007F}]/u;
// Hidden tag text past this many characters adds no evidence, only work.
const MAX_TAG_TEXT = 65_536;
const VARIATION_SUPPLEMENT = /[\u{E0100}-\u{E01EF}]/gu;
// Only runs that are not already one plain space: rewriting every single space costs a lot on
// megabyte inputs and changes nothing.
const SPACES =
  /[ \t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]{2,}|[\t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const LINE_BREAKS = / ?[\r\n\u2028\u2029][\s\u2028\u2029]*/g;

/** Unpaired UTF-16 surrogates, counted in one pass over the code units. */
function countLoneSurrogates(text: string): number {
  const native = text as { isWellFormed?: () => boolean };
  if (native.isWellFormed?.() === true) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else n++;
  }
  return n;
}

/** The text with each unpaired surrogate replaced by U+FFFD (natively where the runtime can). */
function toWellFormed(text: string): string {
  const native = text as { toWellFormed?: () => string };
  return native.toWellFormed ? native.toWellFormed() : text.replace(LONE_SURROGATE, "\uFFFD");
}

// Counted by the change in length, not with a replace callback per match: on a megabyte of
// zero-width characters a callback per character costs a hundred times more.
function countAndStrip(text: string, pattern: RegExp, unitsPerMatch = 1): [string, number] {
  const out = text.replace(pattern, "");
  return [out, (text.length - out.length) / unitsPerMatch];
}

/**
 * Normalizes untrusted text for inspection: unpaired surrogates replaced, Unicode tag
 * characters decoded aside, NFKC applied, zero-width and bidi controls removed, look-alike
 * letters folded, runs of spaces collapsed to one space and of line breaks to one line break. Linear in the input's length.
 */
export function normalizeText(input: string): NormalizedText {
  const loneSurrogates = countLoneSurrogates(input);
  let text = loneSurrogates === 0 ? input : toWellFormed(input);
  let tagText = "";
  if (TAG_TEST.test(text)) {
    for (const m of text.matchAll(TAGS)) {
      const code = (m[0].codePointAt(0) ?? 0xe0000) - 0xe0000;
      if (code >= 0x20 && code <= 0x7e && tagText.length < MAX_TAG_TEXT) tagText += String.fromCharCode(code);
    }
    text = text.replace(TAGS, "");
  }
  const [noBidi, bidi] = countAndStrip(text, BIDI);
  const [noInvisible, invisible] = countAndStrip(noBidi, INVISIBLE);
  const [visible, supplement] = countAndStrip(noInvisible, VARIATION_SUPPLEMENT, 2);
  text = visible.normalize("NFKC");
  const folded = foldHomoglyphs(text);
  text = folded.text.replace(SPACES, " ").replace(LINE_BREAKS, "\n").trim();
  return {
    text,
    invisible: invisible + bidi + supplement,
    bidi,
    homoglyphs: folded.folded,
    loneSurrogates,
    tagText,
  };
}
