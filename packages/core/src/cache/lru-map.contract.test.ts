import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryCacheStore } from "./cache-store.js";
import { LruMap } from "./lru-map.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("LruMap: what its callers rely on", () => {
  it("keeps an entry exactly as large as maxSize", () => {
    const m = new LruMap<string, string>({ maxEntries: 10, maxSize: 4, sizeOf: (v) => v.length });
    m.set("a", "xxxx");
    expect(m.get("a")).toBe("xxxx");
  });

  it("expires an entry once its ttlMs has passed, not one millisecond later", () => {
    vi.useFakeTimers();
    const m = new LruMap<string, number>({ maxEntries: 10 });
    m.set("a", 1, 1000);
    vi.advanceTimersByTime(999);
    expect(m.get("a")).toBe(1);
    vi.advanceTimersByTime(1);
    expect(m.get("a")).toBeUndefined();
  });

  it("says whether delete removed anything", async () => {
    const m = new LruMap<string, number>({ maxEntries: 10 });
    m.set("a", 1);
    expect(m.delete("a")).toBe(true);
    expect(m.delete("a")).toBe(false);
    expect(m.delete("never")).toBe(false);
    // The exact cache's memory store passes the answer on.
    const store = new MemoryCacheStore();
    await store.set("k", { response: {} as never, storedAt: 0 });
    expect(await store.delete("k")).toBe(true);
    expect(await store.delete("k")).toBe(false);
  });

  it("empties on clear, and frees the whole size budget", () => {
    const m = new LruMap<string, string>({ maxEntries: 10, maxSize: 8, sizeOf: (v) => v.length });
    m.set("a", "xxxx");
    m.set("b", "yyyy");
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get("a")).toBeUndefined();
    m.set("c", "zzzz");
    m.set("d", "wwww");
    expect([...m.keys()]).toEqual(["c", "d"]);
  });
});
