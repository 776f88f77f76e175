import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { dotRow, unitVector } from "./semantic-store.js";

const entry = (id: string, storedAt = Date.now()) => ({
  id,
  prompt: id,
  storedAt,
  response: undefined as never,
});

afterEach(() => {
  vi.useRealTimers();
});

describe("MemorySemanticStore", () => {
  it("returns the same best match as a plain cosine scan, for dense and sparse queries", async () => {
    const vector = (dims: number, density: number) =>
      fc
        .array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dims, maxLength: dims })
        .map((xs) => xs.map((x, i) => (i % density === 0 ? x : 0)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(vector(32, 1), { minLength: 1, maxLength: 30 }),
        fc.oneof(vector(32, 1), vector(32, 8)),
        async (rows, q) => {
          const store = new MemorySemanticStore();
          const units = rows.map((r) => unitVector(r));
          for (const [i, u] of units.entries()) if (u) await store.add("s", u, entry(`e${i}`));
          const query = unitVector(q);
          if (!query || units.every((u) => !u)) return;
          let best = -1;
          let bestScore = Number.NEGATIVE_INFINITY;
          for (const [i, u] of units.entries()) {
            if (!u) continue;
            const score = u.reduce((sum, x, j) => sum + x * query[j]!, 0);
            if (score > bestScore) [best, bestScore] = [i, score];
          }
          const match = await store.search("s", query, -2);
          expect(match?.similarity).toBeCloseTo(bestScore, 4);
          // Ties may pick either row; the score is what must agree.
          if (match?.entry.id !== `e${best}`)
            expect(Math.abs(match!.similarity - bestScore)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("honours the threshold, replaces by id, and evicts the oldest when a scope is full", async () => {
    const store = new MemorySemanticStore({ maxEntriesPerScope: 2 });
    await store.add("s", unitVector([1, 0])!, entry("a", 1));
    await store.add("s", unitVector([0, 1])!, entry("b", 2));
    await store.add("s", unitVector([0, 1])!, entry("b", 3));
    expect(store.size("s")).toBe(2);
    expect(await store.search("s", unitVector([1, 1])!, 0.8)).toBeUndefined();
    await store.add("s", unitVector([1, 1])!, entry("c", 4));
    expect(store.size("s")).toBe(2);
    expect((await store.search("s", unitVector([1, 0.01])!, 0.5))?.entry.id).toBe("c");
    await expect(store.search("s", unitVector([1, 0, 0])!, 0.5)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("sweeps expired entries during a search", async () => {
    vi.useFakeTimers();
    const store = new MemorySemanticStore();
    for (let i = 0; i < 5; i++)
      await store.add("s", unitVector([1, i])!, entry(`e${i}`), i % 2 ? 1000 : 10_000);
    vi.advanceTimersByTime(2000);
    const match = await store.search("s", unitVector([1, 1])!, 0.1);
    expect(match?.entry.id).not.toMatch(/e[13]/);
    expect(store.size("s")).toBe(3);
  });
});

/** A dense unit vector (every coordinate non-zero, so the quantized-bound path runs). */
const dense = (...head: number[]) =>
  unitVector([...head, ...Array.from({ length: 8 - head.length }, () => 0.01)])!;
/** A sparse unit vector of 8 coordinates (one non-zero), so the sparse scan runs. */
const sparse = (at: number) => unitVector(Array.from({ length: 8 }, (_, i) => (i === at ? 1 : 0)))!;
/** Row `i` of a set of well-separated dense directions. */
const direction = (i: number) =>
  unitVector(Array.from({ length: 8 }, (_, j) => Math.sin((i + 1) * (j + 1)) + (j === i % 8 ? 3 : 0.1)))!;

describe("MemorySemanticStore search and upkeep", () => {
  it("finds nothing in a scope it has never seen, and keeps scopes apart", async () => {
    const store = new MemorySemanticStore();
    await store.add("a", dense(1), entry("x"));
    expect(await store.search("b", dense(1), -1)).toBeUndefined();
    expect(store.size("b")).toBe(0);
    expect(store.size("a")).toBe(1);
    expect((await store.search("a", dense(1), -1))?.entry.id).toBe("x");
  });

  it("rejects a vector whose length differs from the scope's, on add and on search", async () => {
    const store = new MemorySemanticStore();
    await store.add("s", dense(1), entry("x"));
    const wrong = unitVector([1, 0, 0])!;
    await expect(store.add("s", wrong, entry("y"))).rejects.toThrow(
      new InvalidRequestError("semantic store: vector has 3 dimensions, this scope holds 8"),
    );
    await expect(store.search("s", wrong, 0)).rejects.toThrow("vector has 3 dimensions, this scope holds 8");
    expect(store.size("s")).toBe(1);
  });

  it("serves a match scoring exactly the threshold, but not one just below it, on both scan paths", async () => {
    for (const vector of [dense(1, 2, 3), sparse(2)]) {
      const store = new MemorySemanticStore();
      await store.add("s", vector, entry("x"));
      const score = dotRow(vector, 0, vector);
      const match = await store.search("s", vector, score);
      expect(match?.entry.id).toBe("x");
      expect(match?.similarity).toBe(score);
      expect(await store.search("s", vector, score + 1e-6)).toBeUndefined();
    }
  });

  it("resolves an exact tie to the entry added first, on both scan paths", async () => {
    for (const vector of [dense(3, 1), sparse(5)]) {
      const store = new MemorySemanticStore();
      await store.add("s", vector, entry("first"));
      await store.add("s", vector.slice(), entry("second"));
      expect((await store.search("s", vector, 0.5))?.entry.id).toBe("first");
    }
  });

  it("finds each of many entries by its own vector after the scope outgrows its first allocation", async () => {
    const store = new MemorySemanticStore();
    const count = 150;
    for (let i = 0; i < count; i++) await store.add("s", direction(i), entry(`e${i}`));
    expect(store.size("s")).toBe(count);
    for (let i = 0; i < count; i++) {
      const match = await store.search("s", direction(i), 0.999);
      expect(match?.entry.id).toBe(`e${i}`);
      expect(match?.similarity).toBeCloseTo(1, 5);
    }
  });

  it("never serves an expired entry, even the best-scoring one, and sweeps it during the search", async () => {
    vi.useFakeTimers({ now: 10_000 });
    for (const [best, other] of [
      [dense(1, 0.2), dense(0.2, 1)],
      [sparse(0), unitVector([0.8, 0.6, 0, 0, 0, 0, 0, 0])!],
    ] as const) {
      const store = new MemorySemanticStore();
      await store.add("s", best, entry("short"), 1000);
      await store.add("s", other, entry("long"), 5000);
      vi.advanceTimersByTime(999);
      expect((await store.search("s", best, 0))?.entry.id).toBe("short");
      vi.advanceTimersByTime(1);
      // At exactly its TTL the entry is gone.
      expect((await store.search("s", best, 0))?.entry.id).toBe("long");
      expect(store.size("s")).toBe(1);
      vi.advanceTimersByTime(5000);
    }
  });

  it("finds nothing, even at the lowest threshold, once every entry has expired", async () => {
    vi.useFakeTimers({ now: 0 });
    for (const vector of [dense(1), sparse(1)]) {
      const store = new MemorySemanticStore();
      await store.add("s", vector, entry("a"), 10);
      await store.add("s", vector, entry("b"), 10);
      vi.advanceTimersByTime(10);
      expect(await store.search("s", vector, Number.NEGATIVE_INFINITY)).toBeUndefined();
      expect(store.size("s")).toBe(0);
    }
  });

  it("keeps an entry stored without a TTL (or with 0) for good", async () => {
    vi.useFakeTimers({ now: 0 });
    const store = new MemorySemanticStore();
    await store.add("s", dense(1), entry("forever"));
    await store.add("s", dense(0, 1), entry("zero"), 0);
    vi.advanceTimersByTime(10 ** 12);
    expect((await store.search("s", dense(1), 0.99))?.entry.id).toBe("forever");
    expect((await store.search("s", dense(0, 1), 0.99))?.entry.id).toBe("zero");
  });

  it("deletes by id, and still finds the others (and the rows moved into freed slots) exactly", async () => {
    const store = new MemorySemanticStore();
    for (let i = 0; i < 5; i++) await store.add("s", direction(i), entry(`e${i}`));
    expect(await store.delete("s", "e1")).toBe(true);
    expect(await store.delete("s", "e1")).toBe(false);
    expect(await store.delete("other", "e2")).toBe(false);
    expect(await store.delete("s", "e4")).toBe(true);
    expect(store.size("s")).toBe(3);
    for (const i of [0, 2, 3]) {
      const match = await store.search("s", direction(i), 0.999);
      expect(match?.entry.id).toBe(`e${i}`);
      expect(match?.similarity).toBeCloseTo(1, 5);
    }
    expect((await store.search("s", direction(1), 0.999))?.entry.id).toBeUndefined();
    // A deleted id may be stored again.
    await store.add("s", direction(1), entry("e1"));
    expect((await store.search("s", direction(1), 0.999))?.entry.id).toBe("e1");
    expect(store.size("s")).toBe(4);
  });

  it("evicts the entry stored longest ago when a scope is full, but not when an entry is replaced", async () => {
    const store = new MemorySemanticStore({ maxEntriesPerScope: 3 });
    await store.add("s", direction(0), entry("middle", 5));
    await store.add("s", direction(1), entry("oldest", 1));
    await store.add("s", direction(2), entry("newest", 9));
    await store.add("s", direction(2), entry("newest", 10));
    expect(store.size("s")).toBe(3);
    await store.add("s", direction(3), entry("added", 11));
    expect(store.size("s")).toBe(3);
    expect(await store.search("s", direction(1), 0.999)).toBeUndefined();
    for (const [i, id] of [
      [0, "middle"],
      [2, "newest"],
      [3, "added"],
    ] as const)
      expect((await store.search("s", direction(i), 0.999))?.entry.id).toBe(id);
  });

  it("drops one scope, or everything", async () => {
    const store = new MemorySemanticStore();
    for (const scope of ["a", "b"]) await store.add(scope, dense(1), entry(scope));
    await store.deleteScope("a");
    expect(store.size("a")).toBe(0);
    expect(await store.search("a", dense(1), 0)).toBeUndefined();
    expect((await store.search("b", dense(1), 0))?.entry.id).toBe("b");
    await store.clear();
    expect(store.size("b")).toBe(0);
    expect(await store.search("b", dense(1), 0)).toBeUndefined();
  });
});
