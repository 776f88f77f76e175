import { describe, expect, it } from "vitest";
import { EventHub } from "../events.js";
import type { Model } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { lexicalEmbedder } from "./lexical-embedder.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { DEFAULT_SEMANTIC_THRESHOLD, semanticCache } from "./semantic-cache.js";
import data from "./testdata/paraphrase-pairs.json" with { type: "json" };

// Figures are for Keel's lexical embedder (hashed words and bigrams), NOT a neural sentence
// embedder; its weights and the cache's defaults were tuned on this same set, so they flatter it. Plug another
// EmbeddingModel into `evaluate` to measure a real one.
type Pair = { a: string; b: string; label: "same" | "different"; category: string };
const pairs = data.pairs as Pair[];
const THRESHOLDS = [0.7, 0.8, 0.85, 0.9, 0.95];
const embedder = lexicalEmbedder();
const hub = new EventHub();

/** Pairwise: store `a` in its own scope, ask `b`, see whether the cache answers. */
async function evaluate(threshold: number, guard: boolean) {
  const model: Model = pipe(
    scriptedModel((req) => `answer to: ${req.messages.at(-1)!.content}`),
    semanticCache({
      embedder,
      threshold,
      store: new MemorySemanticStore(),
      events: hub,
      ...(guard ? {} : { verify: false }),
    }),
  );
  const hits = new Map<string, number>();
  for (const [i, p] of pairs.entries()) {
    // A system prompt per pair puts each pair in its own scope (a hard partition).
    const ask = (text: string) => ({
      messages: [
        { role: "system" as const, content: `pair ${i}` },
        { role: "user" as const, content: text },
      ],
    });
    await model.generate(ask(p.a));
    if ((await model.generate(ask(p.b))).cached) hits.set(p.category, (hits.get(p.category) ?? 0) + 1);
  }
  const count = (label: string) => pairs.filter((p) => p.label === label).length;
  const same = hits.get("paraphrase") ?? 0;
  const wrong = [...hits].filter(([c]) => c !== "paraphrase").reduce((n, [, v]) => n + v, 0);
  return { hitRate: same / count("same"), falseHitRate: wrong / count("different"), byCategory: hits };
}

describe("semantic cache evaluation on the labelled pair set", () => {
  it("has at least 150 labelled pairs covering the known false-hit shapes", () => {
    expect(pairs.length).toBeGreaterThanOrEqual(150);
    for (const c of [
      "paraphrase",
      "negation",
      "entity-swap",
      "entity-substitution",
      "number-change",
      "near-topic",
    ])
      expect(pairs.filter((p) => p.category === c).length, c).toBeGreaterThanOrEqual(15);
  });

  it("reports hit and false-hit rates per threshold, with and without the content guard", async () => {
    const table = [];
    const results = new Map<string, Awaited<ReturnType<typeof evaluate>>>();
    for (const threshold of THRESHOLDS)
      for (const guard of [false, true]) {
        const r = await evaluate(threshold, guard);
        results.set(`${threshold}/${guard}`, r);
        table.push({
          threshold,
          guard,
          hitRate: `${(r.hitRate * 100).toFixed(1)}%`,
          falseHitRate: `${(r.falseHitRate * 100).toFixed(1)}%`,
          falseHitsBy: [...r.byCategory]
            .filter(([c]) => c !== "paraphrase")
            .map(([c, n]) => `${c}:${n}`)
            .join(" "),
        });
      }
    console.table(table);
    for (const threshold of THRESHOLDS) {
      const raw = results.get(`${threshold}/false`)!;
      const guarded = results.get(`${threshold}/true`)!;
      expect(guarded.falseHitRate).toBeLessThanOrEqual(raw.falseHitRate);
      // The guard removes negation and number-change false hits at every threshold.
      expect(guarded.byCategory.get("negation") ?? 0).toBe(0);
      expect(guarded.byCategory.get("number-change") ?? 0).toBe(0);
    }
    // The defaults (0.8 with the sameQuestion guard), chosen on this set and the tuning half of
    // bench/src/cache/paraphrase-pairs.ts; held-out figures: bench:semantic-cache.
    const chosen = results.get(`${DEFAULT_SEMANTIC_THRESHOLD}/true`)!;
    expect(chosen.falseHitRate).toBeLessThanOrEqual(0.03);
    expect(chosen.hitRate).toBeGreaterThanOrEqual(0.4);
  });

  it("reports wrong-entry hits when every cached prompt shares one scope", async () => {
    const store = new MemorySemanticStore();
    const model = pipe(
      scriptedModel((req) => String(req.messages.at(-1)!.content)),
      semanticCache({ embedder, threshold: 0.85, store, events: hub }),
    );
    const ask = (text: string) => ({ messages: [{ role: "user" as const, content: text }] });
    for (const a of new Set(pairs.map((p) => p.a))) await model.generate(ask(a));
    let correct = 0;
    let wrong = 0;
    for (const p of pairs) {
      const r = await model.generate(ask(p.b));
      if (!r.cached) continue;
      if (p.label === "same" && r.text === p.a) correct++;
      else wrong++;
    }
    console.table([
      { threshold: 0.85, guard: true, queries: pairs.length, correctHits: correct, wrongHits: wrong },
    ]);
    expect(wrong / pairs.length).toBeLessThanOrEqual(0.05);
    expect(correct).toBeGreaterThan(0);
  });
});
