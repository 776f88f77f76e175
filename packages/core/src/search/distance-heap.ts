/**
 * A binary heap of (distance, node) pairs in parallel arrays: `max` puts the largest distance on
 * top (the worst kept result), otherwise the smallest (the next candidate to expand).
 */
export class DistanceHeap {
  private readonly dist: number[] = [];
  private readonly node: number[] = [];

  constructor(private readonly max: boolean) {}

  get size(): number {
    return this.dist.length;
  }

  /** The top pair's distance (undefined when empty). */
  get topDistance(): number {
    return this.dist[0]!;
  }

  get topNode(): number {
    return this.node[0]!;
  }

  private above(a: number, b: number): boolean {
    return this.max ? this.dist[a]! > this.dist[b]! : this.dist[a]! < this.dist[b]!;
  }

  push(distance: number, node: number): void {
    let i = this.dist.length;
    this.dist.push(distance);
    this.node.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = this.dist.length - 1;
    if (last > 0) {
      this.dist[0] = this.dist[last]!;
      this.node[0] = this.node[last]!;
    }
    this.dist.pop();
    this.node.pop();
    let i = 0;
    const n = this.dist.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.above(l, m)) m = l;
      if (r < n && this.above(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const d = this.dist[a]!;
    this.dist[a] = this.dist[b]!;
    this.dist[b] = d;
    const n = this.node[a]!;
    this.node[a] = this.node[b]!;
    this.node[b] = n;
  }

  /** The pairs, nearest first (the heap is left unchanged). */
  ascending(): Array<{ distance: number; node: number }> {
    const out = this.dist.map((distance, i) => ({ distance, node: this.node[i]! }));
    return out.sort((a, b) => a.distance - b.distance || a.node - b.node);
  }
}
