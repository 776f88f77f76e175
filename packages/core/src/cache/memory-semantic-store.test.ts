import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { unitVector } from "./semantic-store.js";

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
