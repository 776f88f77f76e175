/**
 * LoCoMo retrieval benchmark for `@keel/memory`: ingests every turn of each conversation into
 * long-term memory (an episode per turn, with its speaker and session date; no model), asks each
 * question, and prints one JSON line per method and category: recall@5 and recall@10, the share
 * of a question's evidence turns found in the top k, averaged over questions with evidence.
 * Category "all" is categories 1-4; category 5 (adversarial) is reported on its own line.
 *
 *   pnpm bench:locomo [--data DIR|FILE] [--split all|dev|heldout]
 *
 * Settings were chosen on principle, and checked only on the dev split (conv-26, conv-30,
 * conv-41); the held-out split is the other conversations of ../shared/datasets/locomo.
 */
import { parseArgs } from "node:util";
import { lexicalEmbedder } from "@keel/core/cache";
import { type IndexOptions, InMemoryStateStore, LongTermMemory, type ScoringOptions } from "@keel/memory";
import { type LocomoConversation, readLocomo } from "./locomo-data.js";

const DEV = new Set(["conv-26", "conv-30", "conv-41"]);

interface Method {
  name: string;
  index: IndexOptions;
  search: "bm25" | "vector" | "hybrid";
  scoring: ScoringOptions;
}

const NONE: ScoringOptions = { recency: 0, importance: 0, time: 0, speaker: 0, context: 0 };
const PLAIN: IndexOptions = { bm25: { k1: 1.2, b: 0.75 }, speakerInText: false, resolveTimes: false };
const SPEAKER: IndexOptions = { ...PLAIN, speakerInText: true };
const FULL: IndexOptions = { ...SPEAKER, resolveTimes: true };
const NEIGHBOURS: ScoringOptions = { ...NONE, context: 0.5 };
const PRIOR: ScoringOptions = { ...NEIGHBOURS, speaker: 0.5 };

const METHODS: Method[] = [
  { name: "bm25", index: PLAIN, search: "bm25", scoring: NONE },
  { name: "bm25+speaker", index: SPEAKER, search: "bm25", scoring: NONE },
  { name: "vector(lexical)", index: SPEAKER, search: "vector", scoring: NONE },
  { name: "hybrid", index: SPEAKER, search: "hybrid", scoring: NONE },
  { name: "bm25+speaker+neighbours", index: SPEAKER, search: "bm25", scoring: NEIGHBOURS },
  { name: "hybrid+neighbours", index: SPEAKER, search: "hybrid", scoring: NEIGHBOURS },
  { name: "bm25+speaker+neighbours+named-speaker", index: SPEAKER, search: "bm25", scoring: PRIOR },
  { name: "hybrid+neighbours+named-speaker", index: SPEAKER, search: "hybrid", scoring: PRIOR },
  {
    name: "hybrid+neighbours+named-speaker+time",
    index: FULL,
    search: "hybrid",
    scoring: { ...PRIOR, time: 0.3 },
  },
  // LongTermMemory's own defaults (recency, importance, time words, named speaker; no neighbours).
  { name: "defaults", index: {}, search: "hybrid", scoring: {} },
];

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "../shared/datasets/locomo" },
    split: { type: "string", default: "all" },
    methods: { type: "string" },
  },
});

function selected(conversations: LocomoConversation[]): LocomoConversation[] {
  if (values.split === "dev") return conversations.filter((c) => DEV.has(c.name));
  if (values.split === "heldout") return conversations.filter((c) => !DEV.has(c.name));
  if (values.split !== "all") throw new Error(`--split must be all, dev or heldout, got ${values.split}`);
  return conversations;
}

const conversations = selected(readLocomo(values.data!));
const methods = values.methods ? METHODS.filter((m) => values.methods!.split(",").includes(m.name)) : METHODS;
const embedder = lexicalEmbedder();

for (const method of methods) {
  // Per category: sums of recall@5 and recall@10, and the number of questions.
  const sums = new Map<string, [number, number, number]>();
  const add = (category: string, r5: number, r10: number) => {
    const s = sums.get(category) ?? [0, 0, 0];
    sums.set(category, [s[0] + r5, s[1] + r10, s[2] + 1]);
  };
  for (const conversation of conversations) {
    const ltm = new LongTermMemory({ store: new InMemoryStateStore(), embedder, index: method.index });
    const scope = { tenant: "locomo", user: conversation.name };
    await ltm.addMany(
      scope,
      conversation.turns.map((t) => ({
        kind: "episode" as const,
        content: t.text,
        speaker: t.speaker,
        time: t.time,
        thread: `session-${t.session}`,
        position: t.position,
        sourceTurnIds: [t.id],
      })),
    );
    // Questions are asked after the last session.
    const now = conversation.lastSession + 86_400_000;
    for (const q of conversation.questions) {
      if (q.evidence.length === 0) continue;
      const hits = await ltm.search(scope, q.question, {
        k: 10,
        method: method.search,
        scoring: method.scoring,
        now,
      });
      const turns = hits.map((h) => h.record.sourceTurnIds[0]);
      const recall = (k: number) =>
        q.evidence.filter((e) => turns.slice(0, k).includes(e)).length / q.evidence.length;
      add(String(q.category), recall(5), recall(10));
      if (q.category >= 1 && q.category <= 4) add("all", recall(5), recall(10));
    }
  }
  for (const category of ["1", "2", "3", "4", "all", "5"]) {
    const s = sums.get(category);
    if (!s) continue;
    const round = (x: number) => Math.round((x / s[2]) * 1000) / 1000;
    console.log(
      JSON.stringify({
        method: method.name,
        category: category === "all" ? "all" : Number(category),
        "recall@5": round(s[0]),
        "recall@10": round(s[1]),
        questions: s[2],
        conversations: conversations.length,
        split: values.split,
      }),
    );
  }
}
