import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { EventHub } from "../events.js";
import type { Middleware, ModelRequest } from "../model.js";
import { RedisCacheStore } from "../node/redis-cache-store.js";
import { RedisSemanticStore } from "../node/redis-semantic-store.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { MemoryCacheStore } from "./cache-store.js";
import { cache } from "./exact-cache.js";
import { lexicalEmbedder, lexicalWords } from "./lexical-embedder.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { semanticCache } from "./semantic-cache.js";

const redis = new Redis({ host: "127.0.0.1", port: 6379, maxRetriesPerRequest: 1 });
const prefix = `keel-test:${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
const redisExact = new RedisCacheStore({ client: redis, prefix });
const redisSemantic = new RedisSemanticStore({ client: redis, prefix });

afterAll(async () => {
  await redisExact.clear();
  await redisSemantic.clear();
  await redis.quit();
});

const events = new EventHub();
const embedder = lexicalEmbedder({ dimensions: 64 });
const caches: Array<[string, () => Middleware, number]> = [
  ["exact / memory", () => cache({ store: new MemoryCacheStore(), events }), 150],
  ["exact / redis", () => cache({ store: redisExact, events }), 40],
  [
    "semantic / memory",
    () =>
      semanticCache({ embedder, threshold: 0.5, verify: false, store: new MemorySemanticStore(), events }),
    150,
  ],
  [
    "semantic / redis",
    () => semanticCache({ embedder, threshold: 0.5, verify: false, store: redisSemantic, events }),
    40,
  ],
];

// Tenants: absent, empty, look-alikes and separators that a naive key might confuse.
const tenant = fc.option(
  fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("a", "a:", "A", "a ", "_", "t", "null")),
  {
    nil: undefined,
  },
);
// A prompt the lexical embedder cannot see (no words, e.g. "'S") is never semantically cached by
// design (semantic-cache.test.ts covers that), so the property draws prompts with at least one word.
const prompt = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => lexicalWords(s).length > 0);

describe("tenant isolation (property)", () => {
  for (const [name, make, runs] of caches)
    it(`${name}: never returns an entry stored under another tenant`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(tenant, tenant).filter(([a, b]) => a !== b),
          prompt,
          prompt,
          async ([a, b], p1, p2) => {
            const model = pipe(
              scriptedModel((req) => `for ${JSON.stringify(req.tenant ?? null)}`),
              make(),
            );
            const ask = (t: string | undefined, text: string): ModelRequest => ({
              messages: [
                { role: "system", content: `run ${prefix}` },
                { role: "user", content: text },
              ],
              ...(t !== undefined ? { tenant: t } : {}),
            });
            const own = (t: string | undefined) => `for ${JSON.stringify(t ?? null)}`;
            await model.generate(ask(a, p1));
            // The other tenant asks the very same thing, and something else: both must be its own answers.
            for (const text of [p1, p2]) expect((await model.generate(ask(b, text))).text).toBe(own(b));
            // The first tenant still gets its entry back (so the property is not trivially true).
            const again = await model.generate(ask(a, p1));
            expect(again).toMatchObject({ cached: true, text: own(a) });
          },
        ),
        { numRuns: runs },
      );
    });
});
