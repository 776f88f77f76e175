// The labelled injection collections in ../shared/datasets/prompt-injection, and the one split
// that both the training script and the benchmark use: a row is held out when a hash of its
// text falls in the last fifth, so the split never depends on file order.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface LabelledText {
  text: string;
  label: 0 | 1;
  collection: string;
  kind?: string;
}

export const DATA_DIR = resolve(process.cwd(), "../shared/datasets/prompt-injection");

/**
 * The collections, by file name. The classifier learns from 80 % of each (BIPIA excepted, see
 * train-injection.ts); the benchmark reports each one's held-out fifth. CyberSecEval is among them for its 18 languages and hard negatives,
 * so its figure here is a held-out split, not a CyberSecEval score (its README asks for that).
 * How well the detector does on a collection it never saw is measured by leaving one out
 * (`train-injection.ts --exclude NAME`, then `injection.ts --weights FILE --only NAME`).
 */
export const COLLECTIONS = [
  "train",
  "verazuo",
  "jackhhao",
  "gptfuzz",
  "cyberseceval",
  "bipia",
  "promptinject",
  "garak",
];

/** Reads a JSON-lines file of `{"text","label"}` rows; throws naming the line on bad input. */
export function readLabelled(file: string, collection: string): LabelledText[] {
  const rows: LabelledText[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let row: { text?: unknown; label?: unknown; kind?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON`);
    }
    if (typeof row.text !== "string" || (row.label !== 0 && row.label !== 1))
      throw new Error(`${file}:${i + 1}: needs "text" (string) and "label" (0 or 1)`);
    rows.push({
      text: row.text,
      label: row.label,
      collection,
      ...(typeof row.kind === "string" ? { kind: row.kind } : {}),
    });
  });
  return rows;
}

/** Reads one collection of the shared set by name. */
export function readCollection(name: string): LabelledText[] {
  return readLabelled(resolve(DATA_DIR, `${name}.jsonl`), name);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** True for the fifth of rows kept out of training. */
export function isHeldOut(text: string): boolean {
  return fnv1a(`split:${text}`) % 5 === 0;
}
