// Letters from Cyrillic, Greek and a few Latin-extended blocks that render like ASCII letters
// (after Unicode's confusables.txt, the entries that NFKC leaves alone). Folding them only inside
// words that also hold ASCII letters keeps real Russian or Greek text intact while catching
// "іgnоrе" spelled with Cyrillic і, о, е.
const PAIRS =
  "аa вb еe кk мm нh оo рp сc тt уy хx ѕs іi јj ԁd ԛq ԝw ѵv ӏl һh ɡg ɑa ɩi οo αa εe ιi κk νv ρp τt υu χx ϲc Αa Βb Εe Ζz Ηh Ιi Κk Μm Νn Οo Ρp Τt Υy Χx Аa Вb Еe Кk Мm Нh Оo Рp Сc Тt Хx Ѕs Іi Јj";

const MAP = new Map<string, string>();
for (const pair of PAIRS.split(" ")) {
  const [from, to] = [...pair];
  // Stryker disable next-line ConditionalExpression,LogicalOperator: every pair in PAIRS has both letters; the check only guards an edit that breaks one
  if (from && to) MAP.set(from, to);
}

const HOMOGLYPH = new RegExp(`[${[...MAP.keys()].join("")}]`, "gu");
const LETTER = /[\p{L}\p{M}]/u;
const ASCII_LETTER = /[A-Za-z]/;

/** True when `ch` is a letter that renders like an ASCII letter. */
export function isHomoglyph(ch: string): boolean {
  return MAP.has(ch);
}

/** Folds one word if it mixes ASCII letters with look-alikes. */
function foldWord(word: string): string | undefined {
  if (!ASCII_LETTER.test(word)) return undefined;
  let out = "";
  for (const ch of word) out += MAP.get(ch) ?? ch;
  return out;
}

/**
 * Folds look-alike letters to ASCII inside words that mix scripts; returns the text and how many
 * letters were folded. Words wholly in one script are left as they are. Linear: only the words
 * around a look-alike letter are visited, each once.
 */
export function foldHomoglyphs(text: string): { text: string; folded: number } {
  let folded = 0;
  // Pieces joined once at the end: a string built by thousands of += is a deep rope that every
  // later regex pass over the text pays for.
  const out: string[] = [];
  let copied = 0;
  HOMOGLYPH.lastIndex = 0;
  for (let m = HOMOGLYPH.exec(text); m !== null; m = HOMOGLYPH.exec(text)) {
    if (m.index < copied) continue;
    let start = m.index;
    let end = m.index + m[0].length;
    while (start > copied && LETTER.test(text[start - 1] ?? "")) start--;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: past the end text[end] is undefined and no letter, so the bound and the fallback never decide
    while (end < text.length && LETTER.test(text[end] ?? "")) end++;
    const word = text.slice(start, end);
    const changed = foldWord(word);
    if (changed !== undefined) {
      for (const ch of word) if (MAP.has(ch)) folded++;
      out.push(text.slice(copied, start), changed);
      copied = end;
    }
    HOMOGLYPH.lastIndex = end;
  }
  if (copied === 0) return { text, folded };
  out.push(text.slice(copied));
  return { text: out.join(""), folded };
}
