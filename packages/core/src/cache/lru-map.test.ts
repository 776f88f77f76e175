import { afterEach, describe, expect, it, vi } from "vitest";
import { LruMap } from "./lru-map.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("LruMap", () => {
  it("evicts the least recently used entry past maxEntries", () => {
    const m = new LruMap<string, number>({ maxEntries: 2 });
    m.set("a", 1);
    m.set("b", 2);
    expect(m.get("a")).toBe(1); // a is now the most recent
    m.set("c", 3);
    expect([...m.keys()]).toEqual(["a", "c"]);
    expect(m.get("b")).toBeUndefined();
  });

  it("bounds the total size and refuses entries larger than the bound", () => {
    const m = new LruMap<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    m.set("a", "xxxx");
    m.set("b", "yyyy");
    m.set("c", "zzzz");
    expect([...m.keys()]).toEqual(["b", "c"]);
    m.set("d", "w".repeat(11));
    expect(m.get("d")).toBeUndefined();
    m.set("b", "y");
    m.set("e", "eeeee");
    expect([...m.keys()]).toEqual(["c", "b", "e"]);
  });

  it("expires entries a fixed time after they were set; reads do not extend them", () => {
    vi.useFakeTimers();
    const m = new LruMap<string, number>({ maxEntries: 10, ttlMs: 1000 });
    m.set("a", 1);
    m.set("b", 2, 5000);
    vi.advanceTimersByTime(900);
    expect(m.get("a")).toBe(1);
    vi.advanceTimersByTime(200);
    expect(m.get("a")).toBeUndefined();
    expect(m.get("b")).toBe(2);
    expect(m.size).toBe(1);
  });
});
