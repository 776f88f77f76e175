/**
 * Retrieval metrics with trec_eval's conventions: a run is ranked by score descending with ties
 * broken by document id descending; nDCG uses gain = qrel score, a 1/log2(rank + 1) discount and
 * an ideal DCG from the qrels (`ndcg_cut.10`); recall@k divides by every relevant document;
 * every query in the qrels counts, and a query with no hits scores 0.
 */
export type Qrels = Map<string, Map<string, number>>;
export type Run = Map<string, Array<{ id: string; score: number }>>;

export interface Figures {
  "ndcg@10": number;
  "recall@100": number;
  "mrr@10": number;
}

/** Sorts hits as trec_eval does: score descending, then document id descending. */
export function trecOrder(hits: Array<{ id: string; score: number }>): Array<{ id: string; score: number }> {
  return [...hits].sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** nDCG@10, Recall@100 and MRR@10 averaged over every query in the qrels. */
export function evaluate(run: Run, qrels: Qrels): Figures {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  for (const [qid, rels] of qrels) {
    const relevant = [...rels.values()].filter((g) => g > 0);
    if (relevant.length === 0) continue;
    const ranked = trecOrder(run.get(qid) ?? []);
    let dcg = 0;
    for (let i = 0; i < Math.min(10, ranked.length); i++) {
      const gain = rels.get(ranked[i]!.id) ?? 0;
      if (gain > 0) dcg += gain / Math.log2(i + 2);
    }
    const ideal = relevant
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
    ndcg += ideal > 0 ? dcg / ideal : 0;
    const top100 = ranked.slice(0, 100).filter((h) => (rels.get(h.id) ?? 0) > 0).length;
    recall += top100 / relevant.length;
    const first = ranked.slice(0, 10).findIndex((h) => (rels.get(h.id) ?? 0) > 0);
    mrr += first >= 0 ? 1 / (first + 1) : 0;
  }
  const n = [...qrels.values()].filter((r) => [...r.values()].some((g) => g > 0)).length;
  return { "ndcg@10": ndcg / n, "recall@100": recall / n, "mrr@10": mrr / n };
}
