import { afterEach, describe, expect, it, vi } from "vitest";
import { type CacheEntry, MemoryCacheStore } from "./cache-store.js";

afterEach(() => {
  vi.useRealTimers();
});

const entry = (text: string): CacheEntry => ({ response: { text } as CacheEntry["response"], storedAt: 0 });

describe("MemoryCacheStore", () => {
  it("keeps entries until the store-wide TTL passes", async () => {
    vi.useFakeTimers({ now: 0 });
    const store = new MemoryCacheStore({ ttlMs: 1000 });
    await store.set("k", entry("a"));
    vi.advanceTimersByTime(999);
    expect(await store.get("k")).toEqual(entry("a"));
    vi.advanceTimersByTime(1);
    expect(await store.get("k")).toBeUndefined();
  });

  it("lets a per-entry TTL override the store's, and keeps entries for good with neither", async () => {
    vi.useFakeTimers({ now: 0 });
    const store = new MemoryCacheStore();
    await store.set("forever", entry("f"));
    await store.set("short", entry("s"), 50);
    vi.advanceTimersByTime(50);
    expect(await store.get("short")).toBeUndefined();
    vi.advanceTimersByTime(10 ** 10);
    expect(await store.get("forever")).toEqual(entry("f"));
  });

  it("deletes one key, saying whether it was there", async () => {
    const store = new MemoryCacheStore();
    await store.set("k", entry("a"));
    expect(await store.delete("k")).toBe(true);
    expect(await store.delete("k")).toBe(false);
    expect(await store.get("k")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("clears every entry, or only those under a key prefix", async () => {
    const store = new MemoryCacheStore();
    for (const key of ["t1:a", "t1:b", "t2:a", "x"]) await store.set(key, entry(key));
    await store.clear("t1:");
    expect(store.size).toBe(2);
    expect(await store.get("t1:a")).toBeUndefined();
    expect(await store.get("t2:a")).toEqual(entry("t2:a"));
    await store.clear();
    expect(store.size).toBe(0);
    expect(await store.get("x")).toBeUndefined();
  });

  it("evicts the least recently used entry past maxEntries", async () => {
    const store = new MemoryCacheStore({ maxEntries: 2 });
    await store.set("a", entry("a"));
    await store.set("b", entry("b"));
    await store.get("a");
    await store.set("c", entry("c"));
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toEqual(entry("a"));
    expect(store.size).toBe(2);
  });
});
