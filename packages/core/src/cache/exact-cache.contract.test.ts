import { afterEach, describe, expect, it, vi } from "vitest";
import { AbortedError, KeelError } from "../errors.js";
import { EventHub, type KeelEvent, onEvent } from "../events.js";
import type { CallOptions, Model, ModelRequest, StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { tenantKeyPrefix } from "./cache-key.js";
import { type CacheEntry, type CacheStore, MemoryCacheStore } from "./cache-store.js";
import { cache } from "./exact-cache.js";

const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});

/** A model that remembers the call options each call got. */
function recordingModel(script: Parameters<typeof scriptedModel>[0]) {
  const base = scriptedModel(script, { id: "gpt-4o", provider: "openai" });
  const options: Array<CallOptions | undefined> = [];
  const model: Model = {
    ...base,
    generate(request, callOptions) {
      options.push(callOptions);
      return base.generate(request, callOptions);
    },
    stream(request, callOptions) {
      options.push(callOptions);
      return base.stream(request, callOptions);
    },
  };
  return { base, model, options };
}

function watch() {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  return { hub, seen };
}

async function drain(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("cache (exact): what users rely on", () => {
  it("works with no options: an in-memory store, events on the process-wide hub", async () => {
    const base = scriptedModel(["first", "second"], { id: "m-defaults" });
    const model = pipe(base, cache());
    const seen: KeelEvent[] = [];
    const off = onEvent((e) => {
      if ("model" in e && e.model === "m-defaults") seen.push(e);
    });
    try {
      await model.generate(ask("defaults"));
      expect(await model.generate(ask("defaults"))).toMatchObject({ text: "first", cached: true });
    } finally {
      off();
    }
    expect(base.requests).toHaveLength(1);
    expect(seen.map((e) => e.type)).toEqual(["cache.miss", "cache.stored", "cache.hit"]);
  });

  it("uses a store that answers in a few milliseconds under the default store budget", async () => {
    const inner = new MemoryCacheStore();
    const slow: CacheStore = {
      get: async (key) => {
        await new Promise((r) => setTimeout(r, 30));
        return inner.get(key);
      },
      set: async (key, entry, ttlMs) => {
        await new Promise((r) => setTimeout(r, 30));
        return inner.set(key, entry, ttlMs);
      },
      delete: (key) => inner.delete(key),
      clear: (prefix) => inner.clear(prefix),
    };
    const { hub, seen } = watch();
    const base = scriptedModel(["first", "second"]);
    const model = pipe(base, cache({ store: slow, events: hub }));
    await model.generate(ask("q"));
    expect((await model.generate(ask("q"))).cached).toBe(true);
    expect(base.requests).toHaveLength(1);
    expect(seen.map((e) => e.type)).not.toContain("cache.error");
  });

  it("reports each step with the model, the key and the caller's context", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { hub, seen } = watch();
    const { model } = recordingModel(["first"]);
    const cached = pipe(model, cache({ events: hub }));
    const context = { runId: "run-1", tenant: "acme" };
    await cached.generate(ask("q", { tenant: "acme" }), { context });
    vi.advanceTimersByTime(1500);
    await cached.generate(ask("q", { tenant: "acme" }), { context });
    const [miss, stored, hit] = seen as Array<KeelEvent & { key: string }>;
    const key = miss?.key;
    expect(key?.startsWith(tenantKeyPrefix("acme"))).toBe(true);
    expect(miss).toMatchObject({
      type: "cache.miss",
      kind: "exact",
      model: "gpt-4o",
      key,
      reason: "not-found",
    });
    expect(stored).toMatchObject({ type: "cache.stored", kind: "exact", model: "gpt-4o", key });
    expect(hit).toMatchObject({ type: "cache.hit", kind: "exact", model: "gpt-4o", key, ageMs: 1500 });
    for (const e of seen) expect(e.context).toEqual(context);
    expect(seen).toHaveLength(3);
  });

  it("says why a lookup was skipped for bypass and refresh, and stores only on refresh", async () => {
    const { hub, seen } = watch();
    const store = new MemoryCacheStore();
    const model = pipe(
      scriptedModel((_, call) => `v${call}`),
      cache({ store, events: hub }),
    );
    await model.generate(ask("q", { metadata: { "keel.cache": "bypass" } }));
    expect(seen.map((e) => [e.type, (e as { reason?: string }).reason])).toEqual([["cache.miss", "bypass"]]);
    expect(store.size).toBe(0);
    seen.length = 0;
    await model.generate(ask("q", { metadata: { "keel.cache": "refresh" } }));
    expect(seen.map((e) => [e.type, (e as { reason?: string }).reason])).toEqual([
      ["cache.miss", "refresh"],
      ["cache.stored", undefined],
    ]);
    expect(store.size).toBe(1);
  });

  it("says which answers it skips and why", async () => {
    const { hub, seen } = watch();
    const store = new MemoryCacheStore();
    const refusal = { events: [{ type: "finish" as const, finishReason: "stop" as const, refusal: "no" }] };
    const model = pipe(scriptedModel([refusal], { id: "gpt-4o" }), cache({ store, events: hub }));
    await model.generate(ask("q"), { context: { runId: "r" } });
    expect(seen.map((e) => e.type)).toEqual(["cache.miss", "cache.skipped"]);
    expect(seen[1]).toMatchObject({
      kind: "exact",
      model: "gpt-4o",
      reason: "refusal",
      context: { runId: "r" },
    });
    expect(store.size).toBe(0);
    // A caller without call options gets the answer as well.
    expect((await model.generate(ask("q"))).refusal).toBe("no");
    expect((await drain(model.stream(ask("q")))).map((e) => e.type)).toEqual(["finish"]);
  });

  it("names itself and the option when the store budget is refused", () => {
    expect(() => cache({ storeTimeoutMs: -1 })).toThrow(/^cache: option `storeTimeoutMs`/);
  });

  it("stores with the configured ttlMs and the key it looked up", async () => {
    const sets: Array<{ key: string; ttlMs: number | undefined; entry: CacheEntry }> = [];
    const gets: string[] = [];
    const store: CacheStore = {
      get: async (key) => {
        gets.push(key);
        return undefined;
      },
      set: async (key, entry, ttlMs) => {
        sets.push({ key, entry, ttlMs });
      },
      delete: async () => false,
      clear: async () => {},
    };
    const before = Date.now();
    const model = pipe(scriptedModel(["answer"]), cache({ store, ttlMs: 5000, events: new EventHub() }));
    await model.generate(ask("q"));
    expect(sets).toHaveLength(1);
    expect(sets[0]?.key).toBe(gets[0]);
    expect(sets[0]?.ttlMs).toBe(5000);
    expect(sets[0]?.entry.storedAt).toBeGreaterThanOrEqual(before);
    expect(sets[0]?.entry.storedAt).toBeLessThanOrEqual(Date.now());
    expect(sets[0]?.entry.response).toMatchObject({ text: "answer" });
    expect(sets[0]?.entry.response).not.toHaveProperty("cached");
  });

  it("reports a failing store's error with the operation, model and context", async () => {
    const { hub, seen } = watch();
    const broken: CacheStore = {
      get: () => Promise.reject(new Error("redis down")),
      set: () => Promise.reject(new Error("redis down")),
      delete: async () => false,
      clear: async () => {},
    };
    const model = pipe(scriptedModel(["ok"], { id: "gpt-4o" }), cache({ store: broken, events: hub }));
    await model.generate(ask("q"), { context: { runId: "r" } });
    const errors = seen.filter((e) => e.type === "cache.error");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({
      kind: "exact",
      model: "gpt-4o",
      operation: "get",
      context: { runId: "r" },
    });
    expect(errors[1]).toMatchObject({ operation: "set" });
    for (const e of errors) expect((e as { error: unknown }).error).toBeInstanceOf(KeelError);
  });

  it("does not report a caller's abort as a cache error", async () => {
    const { hub, seen } = watch();
    const controller = new AbortController();
    const store: CacheStore = {
      get: (_key, o) =>
        new Promise((_, reject) => {
          o?.signal?.addEventListener("abort", () => reject(o.signal?.reason));
          controller.abort();
        }),
      set: async () => {},
      delete: async () => false,
      clear: async () => {},
    };
    const model = pipe(scriptedModel(["live"]), cache({ store, events: hub, storeTimeoutMs: 60_000 }));
    await expect(model.generate(ask("q"), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(seen.map((e) => e.type)).not.toContain("cache.error");
  });

  it("keys on a custom key function, with the tenant always hashed in", async () => {
    const seenBy: Array<[ModelRequest, string]> = [];
    const { base, model: inner } = recordingModel((_, call) => `v${call}`);
    const model = pipe(
      inner,
      cache({
        events: new EventHub(),
        // Ignores everything but the last message's text.
        key: async (request, m) => {
          seenBy.push([request, m.id]);
          return String(request.messages.at(-1)?.content);
        },
      }),
    );
    expect((await model.generate(ask("q", { temperature: 0 }))).text).toBe("v0");
    // Same custom key: served, although the request differs.
    expect(await model.generate(ask("q", { temperature: 1 }))).toMatchObject({ text: "v0", cached: true });
    // Same custom key, other tenant: never shared.
    expect((await model.generate(ask("q", { tenant: "other" }))).text).toBe("v1");
    expect((await model.generate(ask("q", { tenant: "other" }))).text).toBe("v1");
    expect(base.requests).toHaveLength(2);
    expect(seenBy[1]?.[0].temperature).toBe(1);
    expect(seenBy.every(([, id]) => id === "gpt-4o")).toBe(true);
  });

  it("passes the caller's options to the model on a miss", async () => {
    const { model: inner, options } = recordingModel(["a", "b"]);
    const model = pipe(inner, cache({ events: new EventHub() }));
    const callOptions = { context: { runId: "r1" }, signal: new AbortController().signal };
    await model.generate(ask("g"), callOptions);
    await drain(model.stream(ask("s"), callOptions));
    expect(options).toHaveLength(2);
    for (const o of options) {
      expect(o?.context).toEqual({ runId: "r1" });
      expect(o?.signal).toBeDefined();
    }
  });

  it("stores a live stream's answer and ends it with the live response", async () => {
    const { hub, seen } = watch();
    const base = scriptedModel([{ text: "streamed", chunkSize: 3 }]);
    const model = pipe(base, cache({ events: hub }));
    const live = model.stream(ask("s"));
    const events = await drain(live);
    const response = await live.response;
    expect(response.text).toBe("streamed");
    expect(response.cached).toBeUndefined();
    expect(response.requestId).toBe("req_1");
    expect(events.filter((e) => e.type === "text-delta")).toHaveLength(3);
    expect(seen.map((e) => e.type)).toEqual(["cache.miss", "cache.stored"]);
    const hit = await model.generate(ask("s"));
    expect(hit).toMatchObject({ text: "streamed", cached: true });
  });

  it("neither looks up nor stores a bypassed stream", async () => {
    const { hub, seen } = watch();
    const store = new MemoryCacheStore();
    const base = scriptedModel((_, call) => `v${call}`);
    const model = pipe(base, cache({ store, events: hub }));
    await model.generate(ask("s"));
    const bypass = model.stream(ask("s", { metadata: { "keel.cache": "bypass" } }));
    await drain(bypass);
    expect((await bypass.response).text).toBe("v1");
    expect(seen.map((e) => e.type)).toEqual(["cache.miss", "cache.stored", "cache.miss"]);
    expect((await model.generate(ask("s"))).text).toBe("v0");
  });

  it("stops replaying a cached stream when the caller aborts", async () => {
    const model = pipe(
      scriptedModel([{ text: "one two three", chunkSize: 4 }]),
      cache({ events: new EventHub() }),
    );
    await model.generate(ask("s"));
    const controller = new AbortController();
    const stream = model.stream(ask("s"), { signal: controller.signal });
    const read: StreamEvent[] = [];
    const replay = (async () => {
      for await (const e of stream) {
        read.push(e);
        controller.abort();
      }
    })();
    await expect(replay).rejects.toBeInstanceOf(AbortedError);
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    // Nothing of the answer after the abort (the stream ends with its error event).
    expect(read.filter((e) => e.type !== "error")).toHaveLength(1);
  });
});
