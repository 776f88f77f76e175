import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { EmbeddingModel, ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { semanticScopeKey } from "./cache-key.js";
import { lexicalEmbedder } from "./lexical-embedder.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { semanticCache, semanticPrompt } from "./semantic-cache.js";

const embedder = lexicalEmbedder();
const ask = (
  text: string,
  extra: Partial<ModelRequest> = {},
  system = "You are a helpful assistant.",
): ModelRequest => ({
  messages: [
    { role: "system", content: system },
    { role: "user", content: text },
  ],
  ...extra,
});

function setup(
  options: { ttlMs?: number; verify?: false; embedder?: EmbeddingModel; threshold?: number } = {},
) {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const store = new MemorySemanticStore();
  const base = scriptedModel((_, call) => `answer ${call}`, { id: "gpt-4o-mini", provider: "openai" });
  const model = pipe(
    base,
    semanticCache({
      threshold: 0.85,
      store,
      events: hub,
      ...options,
      embedder: options.embedder ?? embedder,
    }),
  );
  return { base, model, seen, store };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("semanticCache", () => {
  it("answers a paraphrase from the cache, reporting similarity and entry id", async () => {
    const { base, model, seen } = setup();
    await model.generate(ask("How do I reset my password?"));
    const r = await model.generate(ask("How can I reset my password?"));
    expect(r).toMatchObject({ text: "answer 0", cached: true });
    expect(base.requests).toHaveLength(1);
    const hit = seen.find((e) => e.type === "cache.hit");
    expect(hit).toMatchObject({ kind: "semantic" });
    expect((hit as { similarity: number }).similarity).toBeGreaterThanOrEqual(0.85);
  });

  it("treats system prompt, earlier turns, tools, settings and tenant as a hard partition", async () => {
    const { base, model } = setup();
    const q = "How do I reset my password?";
    await model.generate(ask(q));
    await model.generate(ask(q, {}, "You are a pirate."));
    await model.generate(ask(q, { tools: [{ name: "t", inputSchema: { type: "object" } }] }));
    await model.generate(ask(q, { temperature: 0.9 }));
    await model.generate(ask(q, { tenant: "acme" }));
    await model.generate({
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "I use the mobile app." },
        { role: "assistant", content: "Noted." },
        { role: "user", content: q },
      ],
    });
    expect(base.requests).toHaveLength(6);
  });

  it("rejects a near-identical prompt whose numbers or negation differ (content guard)", async () => {
    const { model, seen } = setup({ threshold: 0.6 });
    await model.generate(ask("Is a fever of 38 degrees dangerous for a child?"));
    expect(
      (await model.generate(ask("Is a fever of 40 degrees dangerous for a child?"))).cached,
    ).toBeUndefined();
    expect(seen.filter((e) => e.type === "cache.miss").at(-1)).toMatchObject({
      reason: "rejected-by-verify",
    });
    await model.generate(ask("Is the account verified?"));
    expect((await model.generate(ask("Is the account not verified?"))).cached).toBeUndefined();
    expect(seen.filter((e) => e.type === "cache.miss").at(-1)).toMatchObject({
      reason: "rejected-by-verify",
    });
  });

  it("takes a per-call stricter threshold and bypass from request metadata, never a looser one", async () => {
    const { base, model } = setup();
    await model.generate(ask("How do I reset my password?"));
    const strict = await model.generate(
      ask("How can I reset my password?", { metadata: { "keel.cache.threshold": "0.999" } }),
    );
    expect(strict.cached).toBeUndefined();
    const bypass = await model.generate(
      ask("How do I reset my password?", { metadata: { "keel.cache": "bypass" } }),
    );
    expect(bypass.cached).toBeUndefined();
    expect(base.requests).toHaveLength(3);
    await expect(
      model.generate(ask("x", { metadata: { "keel.cache.threshold": "0.5" } })),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("only caches plain-text last user turns", async () => {
    expect(semanticPrompt({ messages: [{ role: "user", content: "  a \n b " }] })).toBe("a b");
    expect(
      semanticPrompt({
        messages: [{ role: "user", content: [{ type: "image", mediaType: "image/png", url: "u" }] }],
      }),
    ).toBeUndefined();
    expect(semanticPrompt({ messages: [{ role: "assistant", content: "x" }] })).toBeUndefined();
  });

  it("passes a prompt with no words (an all-zero embedding) through uncached, saying why", async () => {
    const { base, model, seen } = setup();
    for (let i = 0; i < 2; i++) expect((await model.generate(ask("'S"))).cached).toBeFalsy();
    expect(base.requests).toHaveLength(2);
    const misses = seen.filter((e) => e.type === "cache.miss");
    expect(misses.map((e) => (e as { reason: string }).reason)).toEqual([
      "uncacheable-request",
      "uncacheable-request",
    ]);
  });

  it("replays hits as streams", async () => {
    const { model } = setup();
    await model.stream(ask("What is the capital of France?")).response;
    const s = model.stream(ask("What's the capital of France?"));
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    expect(types).toContain("text-delta");
    expect((await s.response).cached).toBe(true);
  });

  it("expires entries after ttlMs and supports invalidation by entry and by scope", async () => {
    vi.useFakeTimers();
    const { base, model, store, seen } = setup({ ttlMs: 1000 });
    await model.generate(ask("How do I reset my password?"));
    vi.advanceTimersByTime(1500);
    await model.generate(ask("How do I reset my password?"));
    expect(base.requests).toHaveLength(2);

    const stored = seen.filter((e) => e.type === "cache.stored").at(-1) as { key: string; entryId: string };
    expect(await store.delete(stored.key, stored.entryId)).toBe(true);
    await model.generate(ask("How do I reset my password?"));
    expect(base.requests).toHaveLength(3);

    await store.deleteScope(await semanticScopeKey(ask("x"), base, embedder));
    await model.generate(ask("How do I reset my password?"));
    expect(base.requests).toHaveLength(4);
  });

  it("needs no threshold, and its defaults turn away near-misses that the old defaults (0.85, facts guard) served", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const model = pipe(
      scriptedModel((_, call) => `answer ${call}`),
      semanticCache({ embedder, events: hub }),
    );
    const pairs: Array<[string, string]> = [
      ["How many kilometers are in 5 miles?", "How many meters are in 5 miles?"],
      ["What should I eat before a marathon?", "What should I eat after a marathon?"],
      ["Is a lion stronger than a tiger?", "Is a tiger stronger than a lion?"],
    ];
    for (const [i, [a, b]] of pairs.entries()) {
      await model.generate(ask(a, { tenant: `t${i}` }));
      expect((await model.generate(ask(b, { tenant: `t${i}` }))).cached, b).toBeUndefined();
    }
    expect(
      seen.filter((e) => e.type === "cache.miss").map((e) => (e as { reason: string }).reason),
    ).toContain("rejected-by-verify");
    await model.generate(ask("How do I reset my password?"));
    expect((await model.generate(ask("How can I reset my password?"))).cached).toBe(true);
  });

  it("goes on without the cache when the embedder fails", async () => {
    const broken: EmbeddingModel = {
      provider: "x",
      id: "broken",
      maxBatchSize: 1,
      embed: () => Promise.reject(new Error("down")),
    };
    const { model, seen } = setup({ embedder: broken });
    expect((await model.generate(ask("q"))).text).toBe("answer 0");
    expect(seen.map((e) => e.type)).toEqual(["cache.error"]);
  });
});
