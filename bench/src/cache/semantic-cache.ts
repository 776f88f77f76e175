/**
 * bench:semantic-cache: how often the semantic cache answers a reworded question (hit rate) and
 * how often it answers a different question with a stored answer (false-hit rate). For each pair,
 * in a scope of its own: store an answer for `a`, ask `b`. Prints one JSON line
 * {"hit_rate","false_hit_rate","n","n_same","n_different", ...} and, with --by-category, one line
 * per category. Figures are for Keel's lexical embedder unless you change the code to plug in
 * another `EmbeddingModel`.
 *
 *   pnpm bench:semantic-cache                  the generated held-out half (paraphrase-pairs.ts)
 *   pnpm bench:semantic-cache --data FILE      JSON lines {"a","b","same"} (optional "category")
 *   --set tune                                 the tuning half instead
 *   --threshold X --guard strict|facts|off     settings other than the defaults (for tuning)
 *   --sweep                                    every threshold 0.5..0.95 by 0.05 x every guard
 */
import { readFileSync } from "node:fs";
import { type Model, pipe } from "@keel/core";
import {
  lexicalEmbedder,
  MemorySemanticStore,
  type SemanticCacheOptions,
  sameKeyFacts,
  semanticCache,
} from "@keel/core/cache";
import { scriptedModel } from "@keel/core/testing";
import { generatePairs, type Pair, type PairSet } from "./paraphrase-pairs.js";

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

function readPairs(file: string): Pair[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((line, i) => {
      const row = JSON.parse(line) as Partial<Pair>;
      if (typeof row.a !== "string" || typeof row.b !== "string" || typeof row.same !== "boolean")
        throw new Error(`${file}:${i + 1}: needs "a" and "b" (strings) and "same" (boolean)`);
      return {
        a: row.a,
        b: row.b,
        same: row.same,
        category: row.category ?? (row.same ? "same" : "different"),
      };
    });
}

type Guard = "strict" | "facts" | "off";

/** Options for a setting; undefined threshold and guard mean the library defaults. */
function cacheOptions(
  threshold: number | undefined,
  guard: Guard | undefined,
): Partial<SemanticCacheOptions> {
  return {
    ...(threshold === undefined ? {} : { threshold }),
    ...(guard === "facts" ? { verify: sameKeyFacts } : guard === "off" ? { verify: false as const } : {}),
  };
}

async function evaluate(pairs: Pair[], settings: Partial<SemanticCacheOptions>) {
  const embedder = lexicalEmbedder();
  const model: Model = pipe(
    scriptedModel((req) => `answer to: ${String(req.messages.at(-1)!.content)}`),
    semanticCache({ embedder, store: new MemorySemanticStore(), ...settings }),
  );
  const byCategory = new Map<string, { n: number; hits: number; same: boolean }>();
  let hits = 0;
  let falseHits = 0;
  for (const [i, p] of pairs.entries()) {
    // A tenant per pair puts each pair in its own scope (a hard partition).
    const ask = (text: string) => ({
      messages: [{ role: "user" as const, content: text }],
      tenant: `pair-${i}`,
    });
    await model.generate(ask(p.a));
    const hit = (await model.generate(ask(p.b))).cached === true;
    if (hit && p.same) hits++;
    if (hit && !p.same) falseHits++;
    const c = byCategory.get(p.category) ?? { n: 0, hits: 0, same: p.same };
    c.n++;
    if (hit) c.hits++;
    byCategory.set(p.category, c);
  }
  const nSame = pairs.filter((p) => p.same).length;
  const nDifferent = pairs.length - nSame;
  const rate = (x: number, n: number) => (n ? Math.round((x / n) * 10_000) / 10_000 : null);
  return {
    hit_rate: rate(hits, nSame),
    false_hit_rate: rate(falseHits, nDifferent),
    n: pairs.length,
    n_same: nSame,
    n_different: nDifferent,
    byCategory,
  };
}

async function main(): Promise<void> {
  const file = value("--data");
  const set = (value("--set") ?? "heldout") as PairSet;
  if (!file && set !== "tune" && set !== "heldout")
    throw new Error(`--set must be tune or heldout, got ${set}`);
  const pairs = file ? readPairs(file) : generatePairs(set);
  const data = file ?? `generated:${set}`;
  const settings: Array<[number | undefined, Guard | undefined]> = args.includes("--sweep")
    ? [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95].flatMap((t) =>
        (["strict", "facts", "off"] as const).map((g): [number, Guard] => [t, g]),
      )
    : [
        [
          value("--threshold") === undefined ? undefined : Number(value("--threshold")),
          value("--guard") as Guard | undefined,
        ],
      ];
  for (const [threshold, guard] of settings) {
    const { byCategory, ...result } = await evaluate(pairs, cacheOptions(threshold, guard));
    console.log(
      JSON.stringify({
        ...result,
        data,
        embedder: "lexical",
        threshold: threshold ?? "default",
        guard: guard ?? "default",
      }),
    );
    if (args.includes("--by-category"))
      for (const [category, c] of byCategory)
        console.log(
          JSON.stringify({
            category,
            same: c.same,
            n: c.n,
            hit_rate: Math.round((c.hits / c.n) * 10_000) / 10_000,
          }),
        );
  }
}

await main();
