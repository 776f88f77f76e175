import { pyCollapse } from "../text/python-text.js";

// sacrebleu 2.x `tokenizer_13a.py` + `tokenizer_re.py` (mteval-v13a.pl's tokenization).
const PUNCT = /([{-~[-` -&(-+:-@/])/g;
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** Tokenizes one segment as sacrebleu's default `13a` tokenizer does; tokens are separated by single spaces. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&"))
    s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  s = ` ${s} `;
  s = s.replace(PUNCT, " $1 ");
  s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, "$1 $2 ");
  s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, " $1 $2");
  s = s.replace(DASH_AFTER_DIGIT, "$1 $2 ");
  return pyCollapse(s);
}
