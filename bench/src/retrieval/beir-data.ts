import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Qrels } from "./trec-eval.js";

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirCollection {
  corpus: BeirDoc[];
  queries: Map<string, string>;
  qrels: Qrels;
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/**
 * Reads a BEIR-format collection: `corpus.jsonl`, `queries.jsonl` and `qrels.tsv` (or BEIR's own
 * layout, `qrels/test.tsv`). Only queries that have qrels are kept.
 */
export function loadBeir(dir: string): BeirCollection {
  const corpus = jsonl<{ _id: string; title?: string; text?: string }>(join(dir, "corpus.jsonl")).map(
    (d) => ({
      id: String(d._id),
      title: d.title ?? "",
      text: d.text ?? "",
    }),
  );
  const qrelsFile = [join(dir, "qrels.tsv"), join(dir, "qrels", "test.tsv")].find(existsSync);
  if (!qrelsFile) throw new Error(`no qrels.tsv or qrels/test.tsv in ${dir}`);
  const qrels: Qrels = new Map();
  for (const line of readFileSync(qrelsFile, "utf8").split("\n").slice(1)) {
    const [qid, did, score] = line.trim().split("\t");
    if (!qid || !did) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, Number(score));
  }
  const queries = new Map<string, string>();
  for (const q of jsonl<{ _id: string; text: string }>(join(dir, "queries.jsonl")))
    if (qrels.has(String(q._id))) queries.set(String(q._id), q.text);
  return { corpus, queries, qrels };
}
