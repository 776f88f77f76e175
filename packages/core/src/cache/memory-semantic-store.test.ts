import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { dotRow, unitVector } from "./semantic-store.js";

/** Seeded uniform [0, 1) generator (mulberry32), so failures reproduce. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

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

  it("prunes with quantized bounds yet returns exactly the full scan's entry and score, ties and thresholds included", async () => {
    let checked = 0;
    for (let trial = 0; trial < 120; trial++) {
      const random = seeded(trial);
      const dims = [2, 5, 32, 384][trial % 4]!;
      const noise = () => (random() - 0.5) * [0, 1e-7, 1e-4, 0.05, 1][Math.floor(random() * 5)]!;
      const centers = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        Array.from({ length: dims }, () => random() - 0.5),
      );
      const near = (base: ArrayLike<number>) => unitVector(Array.from(base, (x) => x + noise()))!;
      const store = new MemorySemanticStore();
      // The reference keeps rows in the store's documented slot order (swap-removal on delete),
      // so an exact tie must resolve to the very same entry.
      const slots: Array<{ id: string; vector: Float32Array }> = [];
      const rows = 1 + Math.floor(random() * (dims === 384 ? 150 : 400));
      for (let i = 0; i < rows; i++) {
        const vector =
          slots.length > 0 && random() < 0.1
            ? slots[Math.floor(random() * slots.length)]!.vector.slice()
            : near(centers[Math.floor(random() * centers.length)]!);
        await store.add("s", vector, entry(`e${i}`));
        slots.push({ id: `e${i}`, vector });
      }
      for (let d = Math.floor(random() * rows * 0.2); d > 0 && slots.length > 1; d--) {
        const slot = Math.floor(random() * slots.length);
        expect(await store.delete("s", slots[slot]!.id)).toBe(true);
        const last = slots.pop()!;
        if (slot < slots.length) slots[slot] = last;
      }
      for (let n = 0; n < 15; n++) {
        const pick = random();
        const query =
          pick < 0.3
            ? slots[Math.floor(random() * slots.length)]!.vector
            : pick < 0.8
              ? near(slots[Math.floor(random() * slots.length)]!.vector)
              : near(centers[0]!);
        let best = -1;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (const [i, { vector }] of slots.entries()) {
          const score = dotRow(vector, 0, query);
          if (score > bestScore) [best, bestScore] = [i, score];
        }
        const justAbove = bestScore + Math.abs(bestScore) * 2 ** -52;
        for (const min of [-2, bestScore, justAbove, bestScore - 1e-12, random() * 2 - 1]) {
          const match = await store.search("s", query, min);
          if (bestScore >= min) {
            expect(match?.entry.id).toBe(slots[best]!.id);
            expect(match?.similarity).toBe(bestScore);
          } else expect(match).toBeUndefined();
          checked++;
        }
      }
    }
    expect(checked).toBe(120 * 15 * 5);
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
