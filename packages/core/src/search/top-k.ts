import { InvalidRequestError } from "../errors.js";

/**
 * Keeps the k best (slot, score) pairs seen so far in a min-heap: higher score wins, and on equal
 * scores the lower slot (the earlier insert) wins, so results are deterministic.
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  get size(): number {
    return this.count;
  }

  /** The score a new pair must beat to enter once the heap is full. */
  get threshold(): number {
    return this.count < this.k ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  private worse(i: number, j: number): boolean {
    const a = this.scores[i]!;
    const b = this.scores[j]!;
    return a < b || (a === b && this.slots[i]! > this.slots[j]!);
  }

  push(slot: number, score: number): void {
    if (this.count < this.k) {
      let i = this.count++;
      this.slots[i] = slot;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (this.k === 0) return;
    const top = this.scores[0]!;
    if (score < top || (score === top && slot > this.slots[0]!)) return;
    this.slots[0] = slot;
    this.scores[0] = score;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.count && this.worse(l, m)) m = l;
      if (r < this.count && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const s = this.slots[i]!;
    this.slots[i] = this.slots[j]!;
    this.slots[j] = s;
    const v = this.scores[i]!;
    this.scores[i] = this.scores[j]!;
    this.scores[j] = v;
  }

  /** The kept pairs, best first. */
  sorted(): Array<{ slot: number; score: number }> {
    const out: Array<{ slot: number; score: number }> = [];
    for (let i = 0; i < this.count; i++) out.push({ slot: this.slots[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/** Checks `k` is a positive integer and returns it. */
export function checkK(k: unknown, where: string): number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1)
    throw new InvalidRequestError(`${where}: k must be a positive integer, got ${String(k)}`);
  return k;
}
