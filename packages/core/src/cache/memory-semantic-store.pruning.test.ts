import { describe, expect, it } from "vitest";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { dotRow, unitVector } from "./semantic-store.js";

// The exhaustive randomized check of the pruned (quantized-bound) search, kept apart from the
// store's other tests because it scans tens of thousands of rows.

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

describe("MemorySemanticStore pruned search", () => {
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
});
