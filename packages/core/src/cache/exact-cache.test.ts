import { afterEach, describe, expect, it, vi } from "vitest";
import { AbortedError, ContentFilteredError, InvalidRequestError, TimeoutError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { ModelRequest, StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { tenantKeyPrefix } from "./cache-key.js";
import { type CacheStore, MemoryCacheStore } from "./cache-store.js";
import { cache } from "./exact-cache.js";

const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});

function setup(
  script: Parameters<typeof scriptedModel>[0],
  store: CacheStore = new MemoryCacheStore(),
  ttlMs?: number,
) {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const base = scriptedModel(script, { id: "gpt-4o", provider: "openai" });
  const model = pipe(base, cache({ store, events: hub, ...(ttlMs ? { ttlMs } : {}) }));
  return { base, model, seen, store, types: () => seen.map((e) => e.type) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("cache (exact)", () => {
  it("serves an identical request from the cache, marked cached, with hit/miss/stored events", async () => {
    const { base, model, types } = setup(["first", "second"]);
    const a = await model.generate(ask("hi"));
    const b = await model.generate(ask("hi"));
    expect(a.cached).toBeUndefined();
    expect(b).toMatchObject({ text: "first", cached: true });
    expect(base.requests).toHaveLength(1);
    expect(types()).toEqual(["cache.miss", "cache.stored", "cache.hit"]);
  });

  it("keys on everything that changes the answer, and ignores metadata labels", async () => {
    const { base, model } = setup((_, call) => `answer ${call}`);
    await model.generate(ask("hi"));
    const variants: Partial<ModelRequest>[] = [
      { temperature: 0.5 },
      { maxOutputTokens: 10 },
      { tools: [{ name: "t", inputSchema: { type: "object" } }] },
      { toolChoice: "required" },
      { responseFormat: { type: "json" } },
      { seed: 1 },
      { stop: ["x"] },
      { tenant: "acme" },
      { providerOptions: { openai: { user: "u" } } },
      { logprobs: {} },
      { logprobs: { top: 2 } },
    ];
    for (const v of variants) await model.generate(ask("hi", v));
    expect(base.requests).toHaveLength(1 + variants.length);
    await model.generate(ask("hi", { metadata: { feature: "chat" } }));
    expect(base.requests).toHaveLength(1 + variants.length);
  });

  it("replays a cached stream as real stream events with the same final response", async () => {
    const { model } = setup([{ text: "hello streaming world", chunkSize: 5 }]);
    const live = model.stream(ask("s"));
    const liveEvents: StreamEvent[] = [];
    for await (const e of live) liveEvents.push(e);
    const replay = model.stream(ask("s"));
    const replayEvents: StreamEvent[] = [];
    for await (const e of replay) replayEvents.push(e);
    const text = (events: StreamEvent[]) =>
      events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    expect(text(replayEvents)).toBe("hello streaming world");
    expect(replayEvents.map((e) => e.type)).toEqual(["response-metadata", "text-delta", "usage", "finish"]);
    const r = await replay.response;
    expect(r.cached).toBe(true);
    expect(r.usage).toEqual((await live.response).usage);
    // A generate call is served by what the stream stored.
    expect((await model.generate(ask("s"))).cached).toBe(true);
  });

  it("replays log probabilities, and a generate answer keeps them", async () => {
    const tokens = [
      { token: "hi", logprob: -0.1, top: [{ token: "hi", logprob: -0.1 }] },
      { token: "!", logprob: -0.3 },
    ];
    const { model } = setup([
      {
        events: [
          { type: "text-delta", text: "hi" },
          { type: "logprobs", tokens: tokens.slice(0, 1) },
          { type: "text-delta", text: "!" },
          { type: "logprobs", tokens: tokens.slice(1) },
          { type: "finish", finishReason: "stop" },
        ],
      },
    ]);
    expect((await model.generate(ask("l", { logprobs: { top: 1 } }))).logprobs).toEqual(tokens);
    const replay = model.stream(ask("l", { logprobs: { top: 1 } }));
    const events: StreamEvent[] = [];
    for await (const e of replay) events.push(e);
    expect(events.filter((e) => e.type === "logprobs")).toEqual([{ type: "logprobs", tokens }]);
    expect(await replay.response).toMatchObject({ cached: true, logprobs: tokens });
  });

  it("replays tool calls and reasoning", async () => {
    const call = { type: "tool-call" as const, id: "c1", name: "lookup", arguments: { q: 1 } };
    const { model } = setup([
      {
        events: [
          { type: "reasoning-delta", text: "think", signature: "sig" },
          { type: "tool-call", call },
          { type: "finish", finishReason: "tool-calls" },
        ],
      },
    ]);
    await model.generate(ask("t"));
    const r = await model.stream(ask("t")).response;
    expect(r.cached).toBe(true);
    expect(r.toolCalls).toEqual([call]);
    expect(r.content[0]).toEqual({ type: "reasoning", text: "think", signature: "sig" });
    expect(r.finishReason).toBe("tool-calls");
  });

  it("never caches errors, refusals, content filters or length-truncated tool calls", async () => {
    const call = { type: "tool-call" as const, id: "c1", name: "f", arguments: {} };
    const steps = [
      new ContentFilteredError("blocked"),
      { events: [{ type: "finish", finishReason: "stop", refusal: "I can't help with that." }] },
      {
        events: [
          { type: "text-delta", text: "x" },
          { type: "finish", finishReason: "content-filter" },
        ],
      },
      {
        events: [
          { type: "tool-call", call },
          { type: "finish", finishReason: "length" },
        ],
      },
    ] as const;
    for (const step of steps) {
      const { base, model, types } = setup([step as never, "good"]);
      await model.generate(ask("q")).catch(() => undefined);
      expect(types()).not.toContain("cache.stored");
      expect((await model.generate(ask("q"))).text).toBe("good");
      expect(base.requests).toHaveLength(2);
    }
  });

  it("supports per-call bypass and refresh through request metadata", async () => {
    const { base, model } = setup((_, call) => `v${call}`);
    await model.generate(ask("q"));
    expect((await model.generate(ask("q", { metadata: { "keel.cache": "bypass" } }))).text).toBe("v1");
    expect((await model.generate(ask("q"))).text).toBe("v0");
    expect((await model.generate(ask("q", { metadata: { "keel.cache": "refresh" } }))).text).toBe("v2");
    expect((await model.generate(ask("q"))).text).toBe("v2");
    expect(base.requests).toHaveLength(3);
    await expect(model.generate(ask("q", { metadata: { "keel.cache": "sometimes" } }))).rejects.toThrow(
      /bypass/,
    );
  });

  it("expires entries after ttlMs (fixed, not sliding)", async () => {
    vi.useFakeTimers();
    const { base, model } = setup((_, call) => `v${call}`, new MemoryCacheStore(), 1000);
    await model.generate(ask("q"));
    vi.advanceTimersByTime(600);
    expect((await model.generate(ask("q"))).cached).toBe(true);
    vi.advanceTimersByTime(600);
    expect((await model.generate(ask("q"))).text).toBe("v1");
    expect(base.requests).toHaveLength(2);
  });

  it("clears one tenant's entries by prefix", async () => {
    const store = new MemoryCacheStore();
    const { base, model } = setup((_, call) => `v${call}`, store);
    await model.generate(ask("q", { tenant: "a" }));
    await model.generate(ask("q", { tenant: "b" }));
    await store.clear(tenantKeyPrefix("a"));
    await model.generate(ask("q", { tenant: "a" }));
    await model.generate(ask("q", { tenant: "b" }));
    expect(base.requests).toHaveLength(3);
  });

  it("keeps working when the store fails, reporting cache.error", async () => {
    const broken: CacheStore = {
      get: () => Promise.reject(new Error("redis down")),
      set: () => Promise.reject(new Error("redis down")),
      delete: async () => false,
      clear: async () => {},
    };
    const { model, types } = setup(["ok"], broken);
    expect((await model.generate(ask("q"))).text).toBe("ok");
    expect(types()).toEqual(["cache.error", "cache.miss", "cache.error"]);
  });

  it("steps aside when the store never answers: the call goes to the model within the store budget", async () => {
    const signals: AbortSignal[] = [];
    const silent: CacheStore = {
      get: (_key, o) => {
        if (o?.signal) signals.push(o.signal);
        return new Promise(() => {});
      },
      set: (_key, _entry, _ttl, o) => {
        if (o?.signal) signals.push(o.signal);
        return new Promise(() => {});
      },
      delete: async () => false,
      clear: async () => {},
    };
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const model = pipe(scriptedModel(["live"]), cache({ store: silent, events: hub, storeTimeoutMs: 20 }));
    expect((await model.generate(ask("q"))).text).toBe("live");
    const errors = seen.filter((e) => e.type === "cache.error") as Array<{ operation: string; error: Error }>;
    expect(errors.map((e) => e.operation)).toEqual(["get", "set"]);
    for (const e of errors) expect(e.error).toBeInstanceOf(TimeoutError);
    // The store was told to give up, so a remote store can drop the command.
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });

  it("ends a store wait when the caller aborts, without waiting out the budget", async () => {
    const silent: CacheStore = {
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      delete: async () => false,
      clear: async () => {},
    };
    const model = pipe(scriptedModel(["live"]), cache({ store: silent, storeTimeoutMs: 60_000 }));
    const controller = new AbortController();
    const call = model.generate(ask("q"), { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it("refuses a store budget that is not a positive number", () => {
    expect(() => cache({ storeTimeoutMs: 0 })).toThrow(InvalidRequestError);
    expect(() => cache({ storeTimeoutMs: Number.NaN })).toThrow(/storeTimeoutMs/);
  });

  it("gives each caller a private copy of a cached answer", async () => {
    const { model } = setup(["same"]);
    await model.generate(ask("q"));
    const hit = await model.generate(ask("q"));
    (hit.content[0] as { text: string }).text = "mutated";
    expect((await model.generate(ask("q"))).text).toBe("same");
    expect((await model.generate(ask("q"))).content[0]).toEqual({ type: "text", text: "same" });
  });
});
