// Scores one finder recognizer on labelled rows the way bench:pii scores the built-in types: a
// labelled span is found when a detected span covers it; a detected span is correct when it
// overlaps a labelled one. Shared by bench:names and bench:addresses.
import { detectPii, type PiiFinderRecognizer } from "@keel/core/guard";
import type { PiiRow } from "./pii-corpus.js";

/** Runs `recognizer` over `rows`, prints up to `showErrors` misses and false finds to stderr. */
export function scoreRecognizer(rows: readonly PiiRow[], recognizer: PiiFinderRecognizer, showErrors = 0) {
  let labelled = 0;
  let found = 0;
  let detected = 0;
  let correct = 0;
  let shown = 0;
  const times: number[] = [];
  for (const row of rows) {
    const start = performance.now();
    const spans = detectPii(row.text, { types: [], recognizers: [recognizer] });
    times.push((performance.now() - start) * 1000);
    const gold = row.spans.filter((s) => s.type === recognizer.type);
    for (const g of gold) {
      labelled++;
      if (spans.some((s) => s.start <= g.start && s.end >= g.end)) found++;
      else if (shown++ < showErrors)
        console.error(
          `  missed ${JSON.stringify(row.text.slice(g.start, g.end))} (found ${JSON.stringify(spans.map((s) => s.value))}) in ${JSON.stringify(row.text)}`,
        );
    }
    for (const s of spans) {
      detected++;
      if (gold.some((g) => s.start < g.end && g.start < s.end)) correct++;
      else if (shown++ < showErrors)
        console.error(`  false ${JSON.stringify(s.value)} in ${JSON.stringify(row.text)}`);
    }
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(4));
  return {
    recall: { [recognizer.type]: labelled ? round(found / labelled) : null },
    precision: detected ? round(correct / detected) : null,
    n: labelled,
    texts: rows.length,
    p50_us: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)),
  };
}
