// Scores detected PII spans against labelled rows, the rule the issue gives for bench:pii: a
// labelled span is found when a detected span of its type covers it; a detected span is correct
// when it overlaps a labelled span of its type. Shared by bench:pii, bench:names and bench:addresses.
import { detectPii, type PiiFinderRecognizer, type PiiSpan } from "@keel/core/guard";
import type { PiiRow } from "./pii-corpus.js";

export interface SpanScore {
  /** Found / labelled, per type that has labelled spans (those in `order` first, in that order). */
  recall: Record<string, number>;
  precision: number | null;
  /** Labelled spans. */
  n: number;
  texts: number;
  detected: number;
  /** Median time of one `detect` call, in microseconds. */
  p50_us: number;
}

/**
 * Runs `detect` over `rows` and scores it. `only`: the one type scored (labels of others are left
 * out), else every labelled type counts. Prints up to `showErrors` misses and false finds to stderr.
 */
export function scoreSpans(
  rows: readonly PiiRow[],
  detect: (text: string) => PiiSpan[],
  options: { only?: string; order?: readonly string[]; showErrors?: number } = {},
): SpanScore {
  const { only, order = [], showErrors = 0 } = options;
  const labelled = new Map<string, number>(order.map((t) => [t, 0]));
  const found = new Map<string, number>();
  let detected = 0;
  let correct = 0;
  let shown = 0;
  const times: number[] = [];
  for (const row of rows) {
    const start = performance.now();
    const spans = detect(row.text);
    times.push((performance.now() - start) * 1000);
    const gold = only ? row.spans.filter((s) => s.type === only) : row.spans;
    for (const g of gold) {
      labelled.set(g.type, (labelled.get(g.type) ?? 0) + 1);
      if (spans.some((s) => s.type === g.type && s.start <= g.start && s.end >= g.end))
        found.set(g.type, (found.get(g.type) ?? 0) + 1);
      else if (shown++ < showErrors)
        console.error(
          `  missed ${g.type} ${JSON.stringify(row.text.slice(g.start, g.end))} (found ${JSON.stringify(spans.map((s) => `${s.type}:${s.value}`))}) in ${JSON.stringify(row.text)}`,
        );
    }
    for (const s of spans) {
      detected++;
      if (gold.some((g) => g.type === s.type && s.start < g.end && g.start < s.end)) correct++;
      else if (shown++ < showErrors)
        console.error(`  false ${s.type} ${JSON.stringify(s.value)} in ${JSON.stringify(row.text)}`);
    }
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(4));
  const recall: Record<string, number> = {};
  for (const [type, count] of labelled) if (count > 0) recall[type] = round((found.get(type) ?? 0) / count);
  return {
    recall,
    precision: detected ? round(correct / detected) : null,
    n: [...labelled.values()].reduce((a, b) => a + b, 0),
    texts: rows.length,
    detected,
    p50_us: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)),
  };
}

/** One finder recognizer's score, as bench:names and bench:addresses print it. */
export function scoreRecognizer(rows: readonly PiiRow[], recognizer: PiiFinderRecognizer, showErrors = 0) {
  const { recall, precision, n, texts, p50_us } = scoreSpans(
    rows,
    (text) => detectPii(text, { types: [], recognizers: [recognizer] }),
    { only: recognizer.type, order: [recognizer.type], showErrors },
  );
  return { recall, precision, n, texts, p50_us };
}
