import { describe, expect, it } from "vitest";
import { KvBlockPool } from "./kv-block-pool.js";

describe("KV block pool with prefix caching", () => {
  it("keeps freed full blocks reusable until an allocation evicts them, least recently used first", () => {
    const pool = new KvBlockPool(4);
    const a = [pool.allocate()!, pool.allocate()!];
    pool.register(a[0]!, 101);
    pool.register(a[1]!, 102);
    expect(pool.usage).toBe(0.5);
    pool.release(a);
    // Cached but unused blocks count as free.
    expect(pool.usage).toBe(0);
    expect(pool.cachedPrefix([101, 102, 103])).toBe(2);
    const b = [pool.allocate()!, pool.allocate()!];
    expect(pool.cachedPrefix([101, 102])).toBe(2);
    // Now the plain blocks are gone: the next allocation evicts the tail of the freed sequence first.
    const c = pool.allocate()!;
    expect(pool.cachedPrefix([101, 102])).toBe(1);
    expect(c).toBe(a[1]);
    pool.release([...b, c]);
  });

  it("shares a cached block between readers and frees it only when the last one releases it", () => {
    const pool = new KvBlockPool(2);
    const first = pool.allocate()!;
    pool.register(first, 7);
    const shared = pool.acquireCached([7], 1);
    expect(shared).toEqual([first]);
    pool.release([first]);
    expect(pool.free).toBe(1);
    pool.release(shared);
    expect(pool.free).toBe(2);
    expect(pool.cachedPrefix([7])).toBe(1);
  });

  it("answers undefined when every block is in use", () => {
    const pool = new KvBlockPool(1);
    expect(pool.allocate()).toBeDefined();
    expect(pool.allocate()).toBeUndefined();
  });
});
