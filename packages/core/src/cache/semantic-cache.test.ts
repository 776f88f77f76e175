import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  InvalidRequestError,
  KeelError,
  ProviderUnavailableError,
  TimeoutError,
} from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { fallback } from "../middleware/fallback.js";
import type { CallOptions, EmbeddingModel, Model, ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/scripted-model.js";
import { semanticScopeKey } from "./cache-key.js";
import { lexicalEmbedder } from "./lexical-embedder.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { type SemanticCacheOptions, semanticCache, semanticPrompt } from "./semantic-cache.js";
import type { SemanticEntry, SemanticMatch, SemanticStore } from "./semantic-store.js";
import type { StoreCallOptions } from "./store-call.js";

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
    expect(seen[0]).toMatchObject({ kind: "semantic", operation: "embed", error: { message: "down" } });
  });
});

/**
 * An in-memory semantic store whose reads and writes can be made to fail or never answer, and
 * that records what the cache asked of it.
 */
class FlakyStore implements SemanticStore {
  readonly inner = new MemorySemanticStore();
  /** An error to reject `search` / `add` with, or "hang" for a promise that never settles. */
  failSearch: Error | "hang" | undefined;
  failAdd: Error | "hang" | undefined;
  readonly calls: Array<{
    op: "search" | "add";
    minSimilarity?: number;
    ttlMs?: number;
    signal?: AbortSignal;
  }> = [];

  search(
    scope: string,
    vector: Float32Array,
    minSimilarity: number,
    o?: StoreCallOptions,
  ): Promise<SemanticMatch | undefined> {
    this.calls.push({ op: "search", minSimilarity, ...(o?.signal ? { signal: o.signal } : {}) });
    return this.#run(this.failSearch, () => this.inner.search(scope, vector, minSimilarity));
  }

  add(
    scope: string,
    vector: Float32Array,
    entry: SemanticEntry,
    ttlMs?: number,
    o?: StoreCallOptions,
  ): Promise<void> {
    this.calls.push({
      op: "add",
      ...(ttlMs === undefined ? {} : { ttlMs }),
      ...(o?.signal ? { signal: o.signal } : {}),
    });
    return this.#run(this.failAdd, () => this.inner.add(scope, vector, entry, ttlMs));
  }

  delete(scope: string, id: string): Promise<boolean> {
    return this.inner.delete(scope, id);
  }

  deleteScope(scope: string): Promise<void> {
    return this.inner.deleteScope(scope);
  }

  clear(): Promise<void> {
    return this.inner.clear();
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  #run<T>(fail: Error | "hang" | undefined, go: () => Promise<T>): Promise<T> {
    if (fail === "hang") return new Promise<T>(() => {});
    if (fail) return Promise.reject(fail);
    return go();
  }
}

function cached(
  script: ScriptStep[] | ((request: ModelRequest, call: number) => ScriptStep) = (_, call) =>
    `answer ${call}`,
  options: Partial<SemanticCacheOptions> = {},
  inner?: (base: Model) => Model,
) {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const store = new FlakyStore();
  const base = scriptedModel(script, { id: "gpt-4o-mini", provider: "openai" });
  const model = pipe(inner ? inner(base) : base, semanticCache({ embedder, store, events: hub, ...options }));
  const types = () => seen.map((e) => e.type);
  const reset = () => {
    seen.length = 0;
    store.calls.length = 0;
  };
  return { base, model, seen, store, types, reset };
}

/** One call through `generate` or through `stream` (iterated to the end), for tests that check both. */
async function call(model: Model, via: "generate" | "stream", request: ModelRequest, o?: CallOptions) {
  if (via === "generate") return model.generate(request, o);
  const s = model.stream(request, o);
  let text = "";
  for await (const e of s) if (e.type === "text-delta") text += e.text;
  const response = await s.response;
  expect(response.text).toBe(text);
  return response;
}

const PASSWORD = "How do I reset my password?";
const PARAPHRASE = "How can I reset my password?";

describe("semanticCache per-call modes", () => {
  for (const via of ["generate", "stream"] as const) {
    it(`refresh (${via}) never reads the store, answers from the model and replaces the cached answer`, async () => {
      const { base, model, seen, store, types, reset } = cached();
      await model.generate(ask(PASSWORD));
      const first = seen.find((e) => e.type === "cache.stored") as { key: string; entryId: string };
      reset();

      const fresh = await call(model, via, ask(PASSWORD, { metadata: { "keel.cache": "refresh" } }));
      expect(fresh.text).toBe("answer 1");
      expect(fresh.cached).toBeUndefined();
      expect(store.ops()).toEqual(["add"]);
      expect(types()).toEqual(["cache.miss", "cache.stored"]);
      expect(seen[0]).toMatchObject({ kind: "semantic", reason: "refresh", key: first.key });
      // The same prompt in the same scope is the same entry: replaced, not added beside the old one.
      expect(seen[1]).toMatchObject({ key: first.key, entryId: first.entryId });
      expect(store.inner.size(first.key)).toBe(1);

      expect(await model.generate(ask(PARAPHRASE))).toMatchObject({ text: "answer 1", cached: true });
      expect(base.requests).toHaveLength(2);
    });

    it(`bypass (${via}) neither reads nor writes the store`, async () => {
      const { base, model, seen, store } = cached();
      const r = await call(model, via, ask(PASSWORD, { metadata: { "keel.cache": "bypass" } }));
      expect(r.text).toBe("answer 0");
      expect(store.calls).toEqual([]);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ type: "cache.miss", kind: "semantic", reason: "bypass" });
      expect(seen[0]).not.toHaveProperty("key");
      expect((await model.generate(ask(PASSWORD))).text).toBe("answer 1");
      expect(base.requests).toHaveLength(2);
    });
  }

  it("refuses an unknown cache mode before calling the model or the store", async () => {
    const { base, model, store } = cached();
    await expect(model.generate(ask(PASSWORD, { metadata: { "keel.cache": "sometimes" } }))).rejects.toThrow(
      InvalidRequestError,
    );
    expect(base.requests).toHaveLength(0);
    expect(store.calls).toEqual([]);
  });
});

describe("semanticCache threshold", () => {
  it("refuses a threshold outside (0, 1] and a store budget that is not a positive number", () => {
    for (const threshold of [
      0,
      -0.5,
      1.0001,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "0.9" as unknown as number,
    ])
      expect(() => semanticCache({ embedder, threshold }), String(threshold)).toThrow(
        /semanticCache: threshold must be in \(0, 1\]/,
      );
    expect(() => semanticCache({ embedder, threshold: 0 })).toThrow(InvalidRequestError);
    for (const storeTimeoutMs of [0, -1, Number.NaN])
      expect(() => semanticCache({ embedder, storeTimeoutMs }), String(storeTimeoutMs)).toThrow(
        /storeTimeoutMs/,
      );
    expect(() => semanticCache({ embedder, threshold: 1 })).not.toThrow();
    expect(() => semanticCache({ embedder, threshold: 0.01, storeTimeoutMs: 1 })).not.toThrow();
  });

  it("searches with the configured floor, or a stricter per-call threshold", async () => {
    const { model, seen, store } = cached(undefined, { threshold: 0.99 });
    await model.generate(ask(PASSWORD));
    expect((await model.generate(ask(PARAPHRASE))).cached).toBeUndefined();
    expect(seen.filter((e) => e.type === "cache.miss").at(-1)).toMatchObject({ reason: "not-found" });
    // A per-call threshold equal to the floor is allowed (it does not loosen it).
    await model.generate(ask(PASSWORD, { metadata: { "keel.cache.threshold": "0.99" } }));
    await model.generate(ask(PASSWORD, { metadata: { "keel.cache.threshold": "0.995" } }));
    expect(store.calls.filter((c) => c.op === "search").map((c) => c.minSimilarity)).toEqual([
      0.99, 0.99, 0.99, 0.995,
    ]);
  });

  it("with a threshold of 1 serves the identical prompt, and no paraphrase", async () => {
    const { base, model } = cached(undefined, { threshold: 1 });
    for (const q of [PASSWORD, "What is the capital of France?"]) {
      await model.generate(ask(q));
      expect(await model.generate(ask(q)), q).toMatchObject({ cached: true });
    }
    expect((await model.generate(ask(PARAPHRASE))).cached).toBeUndefined();
    expect(base.requests).toHaveLength(3);
    // The same holds for a per-call threshold of 1 over a lower floor.
    const perCall = cached(undefined, { threshold: 0.85 });
    const strictest = { metadata: { "keel.cache.threshold": "1" } };
    await perCall.model.generate(ask(PASSWORD));
    expect(await perCall.model.generate(ask(PASSWORD, strictest))).toMatchObject({ cached: true });
    expect((await perCall.model.generate(ask(PARAPHRASE, strictest))).cached).toBeUndefined();
  });
});

describe("semanticCache uncacheable answers", () => {
  const toolCall = { type: "tool-call" as const, id: "c1", name: "lookup", arguments: { q: 1 } };
  const cases: Array<[string, ScriptStep]> = [
    [
      "error",
      {
        events: [
          { type: "text-delta", text: "partial" },
          { type: "finish", finishReason: "error" },
        ],
      },
    ],
    [
      "content-filter",
      {
        events: [
          { type: "text-delta", text: "x" },
          { type: "finish", finishReason: "content-filter" },
        ],
      },
    ],
    ["refusal", { events: [{ type: "finish", finishReason: "stop", refusal: "I can't help with that." }] }],
    [
      "length-truncated-tool-call",
      {
        events: [
          { type: "tool-call", call: toolCall },
          { type: "finish", finishReason: "length" },
        ],
      },
    ],
    ["empty", { events: [{ type: "finish", finishReason: "stop" }] }],
  ];
  for (const via of ["generate", "stream"] as const)
    for (const [reason, step] of cases)
      it(`returns but never stores an answer that is ${reason} (${via})`, async () => {
        const { base, model, seen, store, types } = cached([step, "good"]);
        const r = await call(model, via, ask(PASSWORD));
        expect(r.cached).toBeUndefined();
        expect(types()).toEqual(["cache.miss", "cache.skipped"]);
        expect(seen[1]).toMatchObject({ kind: "semantic", model: "gpt-4o-mini", reason });
        expect(store.ops()).toEqual(["search"]);
        expect((await model.generate(ask(PASSWORD))).text).toBe("good");
        expect(base.requests).toHaveLength(2);
      });

  it("stores a length-truncated text answer (only a truncated tool call is uncacheable)", async () => {
    const { model, types } = cached([
      {
        events: [
          { type: "text-delta", text: "long answer" },
          { type: "finish", finishReason: "length" },
        ],
      },
      "other",
    ]);
    await model.generate(ask(PASSWORD));
    expect(types()).toEqual(["cache.miss", "cache.stored"]);
    expect(await model.generate(ask(PASSWORD))).toMatchObject({ text: "long answer", cached: true });
  });

  it("never stores a fallback model's answer, so the requested model answers once it is back", async () => {
    const backup = scriptedModel(["from backup"], { id: "backup", provider: "other" });
    const { model, seen } = cached([new ProviderUnavailableError("down"), "from primary"], {}, (base) =>
      pipe(base, fallback([backup])),
    );
    const first = await model.generate(ask(PASSWORD));
    expect(first).toMatchObject({ text: "from backup", failovers: [{ from: "gpt-4o-mini", to: "backup" }] });
    expect(seen.find((e) => e.type === "cache.skipped")).toMatchObject({ reason: "failed-over" });
    expect((await model.generate(ask(PASSWORD))).text).toBe("from primary");
    expect(await model.generate(ask(PARAPHRASE))).toMatchObject({ text: "from primary", cached: true });
    expect(backup.requests).toHaveLength(1);
  });

  it("stores nothing when the model call fails, and the caller gets the model's error", async () => {
    const down = new ProviderUnavailableError("down");
    for (const via of ["generate", "stream"] as const) {
      const { model, types, store } = cached([down, "good"]);
      await expect(call(model, via, ask(PASSWORD))).rejects.toBe(down);
      expect(types()).toEqual(["cache.miss"]);
      expect(store.ops()).toEqual(["search"]);
    }
  });
});

describe("semanticCache store failures", () => {
  for (const via of ["generate", "stream"] as const) {
    it(`answers from the model when the store cannot be read, and still stores the answer (${via})`, async () => {
      const { model, seen, store, types } = cached();
      const cause = new Error("read failed");
      store.failSearch = cause;
      const r = await call(model, via, ask(PASSWORD), { context: { runId: "run-1" } });
      expect(r).toMatchObject({ text: "answer 0" });
      expect(r.cached).toBeUndefined();
      expect(types()).toEqual(["cache.error", "cache.miss", "cache.stored"]);
      const error = seen[0] as KeelEvent & { operation: string; error: KeelError };
      expect(error).toMatchObject({ kind: "semantic", model: "gpt-4o-mini", operation: "get" });
      expect(error.error).toBeInstanceOf(KeelError);
      expect(error.error.message).toBe("read failed");
      expect(error.error.cause).toBe(cause);
      expect(seen[1]).toMatchObject({ reason: "not-found" });
      // Every event carries the call's context.
      for (const e of seen) expect(e.context).toEqual({ runId: "run-1" });

      store.failSearch = undefined;
      expect(await model.generate(ask(PARAPHRASE))).toMatchObject({ text: "answer 0", cached: true });
    });

    it(`answers from the model when the store cannot be written, and stores nothing (${via})`, async () => {
      const { base, model, seen, store, types } = cached();
      store.failAdd = new Error("write failed");
      expect((await call(model, via, ask(PASSWORD))).text).toBe("answer 0");
      expect(types()).toEqual(["cache.miss", "cache.error"]);
      expect(seen[1]).toMatchObject({ operation: "set", error: { message: "write failed" } });

      store.failAdd = undefined;
      expect((await model.generate(ask(PASSWORD))).text).toBe("answer 1");
      expect(await model.generate(ask(PASSWORD))).toMatchObject({ text: "answer 1", cached: true });
      expect(base.requests).toHaveLength(2);
    });
  }

  it("steps aside when the store never answers: each operation ends within the store budget", async () => {
    const { model, seen, store } = cached(undefined, { storeTimeoutMs: 20, ttlMs: 5000 });
    store.failSearch = "hang";
    store.failAdd = "hang";
    const startedAt = Date.now();
    expect((await model.generate(ask(PASSWORD))).text).toBe("answer 0");
    expect(Date.now() - startedAt).toBeLessThan(2000);
    const errors = seen.filter((e) => e.type === "cache.error") as Array<{ operation: string; error: Error }>;
    expect(errors.map((e) => e.operation)).toEqual(["get", "set"]);
    for (const e of errors) {
      expect(e.error).toBeInstanceOf(TimeoutError);
      expect(e.error.message).toMatch(/within 20 ms/);
    }
    // The store was told to give up, and got the entry's lifetime.
    expect(store.calls.map((c) => [c.op, c.signal?.aborted])).toEqual([
      ["search", true],
      ["add", true],
    ]);
    expect(store.calls[1]?.ttlMs).toBe(5000);
  });

  it("ends a store wait when the caller aborts, without a cache.error for the caller's own abort", async () => {
    const { base, model, types, store } = cached(undefined, { storeTimeoutMs: 60_000 });
    store.failSearch = "hang";
    const controller = new AbortController();
    const pending = model.generate(ask(PASSWORD), { signal: controller.signal });
    await vi.waitFor(() => expect(store.calls).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(types()).not.toContain("cache.error");
    expect(base.requests.length).toBeLessThanOrEqual(1);
  });

  it("treats a failed read as a miss even when the store holds an answer, and replaces that answer", async () => {
    const { model, store } = cached();
    await model.generate(ask(PASSWORD));
    store.failSearch = new Error("read failed");
    expect(await model.generate(ask(PASSWORD))).toMatchObject({ text: "answer 1" });
    store.failSearch = undefined;
    expect(await model.generate(ask(PASSWORD))).toMatchObject({ text: "answer 1", cached: true });
  });
});

/** The lexical embedder, recording the texts and options of each call. */
function spyEmbedder(result?: (texts: string[]) => Promise<{ embeddings: number[][] }>) {
  const calls: Array<{ texts: string[]; options: CallOptions | undefined }> = [];
  const model: EmbeddingModel = {
    provider: embedder.provider,
    id: embedder.id,
    maxBatchSize: embedder.maxBatchSize,
    embed(texts, options) {
      calls.push({ texts, options });
      return result ? result(texts) : embedder.embed(texts, options);
    },
  };
  return { model, calls };
}

describe("semanticCache prompts, guard and events", () => {
  it("embeds the last user turn's text parts joined, and nothing else", async () => {
    expect(
      semanticPrompt({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "How do I" },
              { type: "text", text: "reset\nmy  password?" },
            ],
          },
        ],
      }),
    ).toBe("How do I reset my password?");
    const image = { type: "image" as const, mediaType: "image/png", url: "u" };
    expect(
      semanticPrompt({
        messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }],
      }),
    ).toBeUndefined();
    expect(semanticPrompt({ messages: [{ role: "user", content: " \n " }] })).toBeUndefined();
    expect(semanticPrompt({ messages: [] })).toBeUndefined();

    const spy = spyEmbedder();
    const { base, model, seen } = cached(undefined, { embedder: spy.model });
    await model.generate({
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        {
          role: "user",
          content: [
            { type: "text", text: "How do I reset" },
            { type: "text", text: "my password?" },
          ],
        },
      ],
    });
    expect(spy.calls.map((c) => c.texts)).toEqual([[PASSWORD]]);
    expect(await model.generate(ask(PASSWORD))).toMatchObject({ cached: true });

    // A last turn that is not plain user text is never embedded, never looked up, and is no failure.
    spy.calls.length = 0;
    seen.length = 0;
    const imageTurn: ModelRequest = {
      messages: [{ role: "user", content: [{ type: "text", text: PASSWORD }, image] }],
    };
    await model.generate(imageTurn);
    await model.generate(imageTurn);
    expect(spy.calls).toEqual([]);
    expect(seen.map((e) => [e.type, (e as { reason?: string }).reason])).toEqual([
      ["cache.miss", "uncacheable-request"],
      ["cache.miss", "uncacheable-request"],
    ]);
    expect(base.requests).toHaveLength(3);
  });

  it("passes a request through uncached when the embedder returns no vector for it", async () => {
    const spy = spyEmbedder(async () => ({ embeddings: [] }));
    const { base, model, types, store } = cached(undefined, { embedder: spy.model });
    expect((await model.generate(ask(PASSWORD))).text).toBe("answer 0");
    expect((await model.generate(ask(PASSWORD))).text).toBe("answer 1");
    expect(types()).toEqual(["cache.miss", "cache.miss"]);
    expect(store.calls).toEqual([]);
    expect(base.requests).toHaveLength(2);
  });

  it("hands the embedder the caller's signal", async () => {
    const spy = spyEmbedder();
    const { model } = cached(undefined, { embedder: spy.model });
    const controller = new AbortController();
    await model.generate(ask(PASSWORD), { signal: controller.signal });
    await model.generate(ask("What is the capital of France?"));
    expect(spy.calls.map((c) => c.options)).toEqual([{ signal: controller.signal }, undefined]);
  });

  it("ends a stream at the caller's deadline while the embedder is still working", async () => {
    let embedded = false;
    const slow = spyEmbedder(
      (texts) =>
        new Promise((resolve) =>
          setTimeout(() => {
            embedded = true;
            resolve({ embeddings: texts.map(() => [1, 0]) });
          }, 1000),
        ),
    );
    const { model } = cached(undefined, { embedder: slow.model });
    const s = model.stream(ask(PASSWORD), { deadline: Date.now() + 30 });
    await expect(s.response).rejects.toBeInstanceOf(TimeoutError);
    expect(embedded).toBe(false);
  });

  it("turns the guard off with verify: false, and calls a custom verify with the cached and the new prompt", async () => {
    const first = "Is a fever of 38 degrees dangerous for a child?";
    const second = "Is a fever of 40 degrees dangerous for a child?";
    const off = cached(undefined, { threshold: 0.6, verify: false });
    await off.model.generate(ask(first));
    expect(await off.model.generate(ask(second))).toMatchObject({ text: "answer 0", cached: true });

    for (const accept of [false, true]) {
      const checked: Array<[string, string]> = [];
      const custom = cached(undefined, {
        threshold: 0.6,
        verify: (cachedPrompt, prompt) => {
          checked.push([cachedPrompt, prompt]);
          return accept;
        },
      });
      await custom.model.generate(ask(first));
      const r = await custom.model.generate(ask(second));
      expect(checked).toEqual([[first, second]]);
      if (accept) expect(r).toMatchObject({ text: "answer 0", cached: true });
      else {
        expect(r.cached).toBeUndefined();
        const miss = custom.seen.filter((e) => e.type === "cache.miss").at(-1) as {
          reason: string;
          similarity: number;
        };
        expect(miss.reason).toBe("rejected-by-verify");
        expect(miss.similarity).toBeGreaterThanOrEqual(0.6);
        expect(miss.similarity).toBeLessThan(1);
      }
    }
  });

  it("reports no similarity on a miss that found nothing", async () => {
    const { model, seen } = cached();
    await model.generate(ask(PASSWORD));
    const miss = seen.find((e) => e.type === "cache.miss");
    expect(miss).toMatchObject({ reason: "not-found" });
    expect(Object.keys(miss ?? {})).not.toContain("similarity");
  });

  it("reports the age of the entry it served", async () => {
    vi.useFakeTimers();
    const { model, seen } = cached();
    await model.generate(ask(PASSWORD));
    vi.advanceTimersByTime(1500);
    await model.generate(ask(PARAPHRASE));
    expect(seen.find((e) => e.type === "cache.hit")).toMatchObject({ ageMs: 1500 });
  });

  it("keys each entry by scope and prompt: 32 hex characters, one entry per prompt", async () => {
    const { model, seen, store } = cached();
    await model.generate(ask(PASSWORD));
    await model.generate(ask("What is the capital of France?"));
    await model.generate(ask(PASSWORD, { tenant: "acme" }));
    const stored = seen.filter((e) => e.type === "cache.stored") as Array<{ key: string; entryId: string }>;
    for (const e of stored) expect(e.entryId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(stored.map((e) => e.entryId)).size).toBe(3);
    expect(store.inner.size(stored[0]!.key)).toBe(2);
    expect((await model.generate(ask(PASSWORD))).text).toBe("answer 0");
    expect((await model.generate(ask("What is the capital of France?"))).text).toBe("answer 1");
  });

  it("gives each store operation 500 ms by default", async () => {
    const { model, seen, store } = cached();
    store.failSearch = "hang";
    const startedAt = Date.now();
    expect((await model.generate(ask(PASSWORD))).text).toBe("answer 0");
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
    expect(seen[0]).toMatchObject({
      type: "cache.error",
      operation: "get",
      error: { message: "the cache store gave no answer within 500 ms" },
    });
  });

  it("names itself when it refuses a store budget", () => {
    expect(() => semanticCache({ embedder, storeTimeoutMs: -5 })).toThrow(
      "semanticCache: option `storeTimeoutMs` must be a number > 0",
    );
  });
});
