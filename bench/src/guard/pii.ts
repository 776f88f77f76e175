// PII recall per type and precision, on JSON lines {"text", "spans": [{"start","end","type"}]}
// (UTF-16 offsets). A labelled span is found when a detected span of its type covers it; a
// detected span is correct when it overlaps a labelled span of its type.
//   pnpm bench:pii                 the generated held-out corpus (pii-corpus.ts --set heldout)
//   pnpm bench:pii --data FILE     your file
// Flags: --set dev (the development set instead), --errors N (print misses to stderr).
import { detectPii } from "@keel/core/guard";
import { generatePiiCorpus, readPiiRows } from "./pii-corpus.js";

const TYPES = ["EMAIL", "PHONE", "API_KEY", "IBAN", "CREDIT_CARD", "IP_ADDRESS", "US_SSN"];
const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const showErrors = Number(value("--errors") ?? 0);

const data = value("--data");
const rows = data
  ? readPiiRows(data)
  : generatePiiCorpus((value("--set") ?? "heldout") as "dev" | "heldout", 2000);

const labelled: Record<string, number> = {};
const found: Record<string, number> = {};
let detected = 0;
let correct = 0;
let shown = 0;
const times: number[] = [];
for (const row of rows) {
  const start = performance.now();
  const spans = detectPii(row.text);
  times.push((performance.now() - start) * 1000);
  for (const label of row.spans) {
    labelled[label.type] = (labelled[label.type] ?? 0) + 1;
    const hit = spans.some((s) => s.type === label.type && s.start <= label.start && s.end >= label.end);
    if (hit) found[label.type] = (found[label.type] ?? 0) + 1;
    else if (shown++ < showErrors)
      console.error(
        `miss ${label.type} ${JSON.stringify(row.text.slice(label.start, label.end))} got ${JSON.stringify(spans.map((s) => `${s.type}:${s.value}`))}`,
      );
  }
  for (const s of spans) {
    detected++;
    const ok = row.spans.some((l) => l.type === s.type && l.start < s.end && s.start < l.end);
    if (ok) correct++;
    else if (shown++ < showErrors)
      console.error(
        `false ${s.type} ${JSON.stringify(s.value)} in ${JSON.stringify(row.text.slice(0, 160))}`,
      );
  }
}
times.sort((a, b) => a - b);
// Exactly the line the issue specifies; the corpus and the time per text go to stderr.
const recall: Record<string, number> = {};
for (const t of [...TYPES, ...Object.keys(labelled).filter((t) => !TYPES.includes(t))])
  if (labelled[t]) recall[t] = Number(((found[t] ?? 0) / (labelled[t] ?? 1)).toFixed(4));
const n = Object.values(labelled).reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({ recall, precision: detected ? Number((correct / detected).toFixed(4)) : null, n }),
);
console.error(
  JSON.stringify({
    corpus: data ?? `generated ${value("--set") ?? "heldout"} set, ${rows.length} texts`,
    detected,
    p50_us: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)),
  }),
);
