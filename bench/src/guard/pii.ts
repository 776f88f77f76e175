// PII recall per type and precision, on JSON lines {"text", "spans": [{"start","end","type"}]}
// (UTF-16 offsets). A labelled span is found when a detected span of its type covers it; a
// detected span is correct when it overlaps a labelled span of its type.
//   pnpm bench:pii                 the generated held-out corpus (pii-corpus.ts --set heldout)
//   pnpm bench:pii --data FILE     your file
// Flags: --set dev (the development set instead), --errors N (print misses to stderr).
import { detectPii } from "@keel/core/guard";
import { generatePiiCorpus, readPiiRows } from "./pii-corpus.js";
import { scoreSpans } from "./span-score.js";

const TYPES = ["EMAIL", "PHONE", "API_KEY", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "US_SSN"];
const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const showErrors = Number(value("--errors") ?? 0);

const data = value("--data");
const rows = data
  ? readPiiRows(data)
  : generatePiiCorpus((value("--set") ?? "heldout") as "dev" | "heldout", 2000);

const score = scoreSpans(rows, (text) => detectPii(text), { order: TYPES, showErrors });
// Exactly the line the issue specifies; the corpus and the time per text go to stderr.
const { recall, precision, n, detected, p50_us } = score;
console.log(JSON.stringify({ recall, precision, n }));
console.error(
  JSON.stringify({
    corpus: data ?? `generated ${value("--set") ?? "heldout"} set, ${rows.length} texts`,
    detected,
    p50_us,
  }),
);
