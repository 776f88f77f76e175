import { InvalidRequestError } from "../errors.js";
import { DistanceHeap } from "./distance-heap.js";
import { checkMetadata, compileFilter } from "./metadata-filter.js";
import type { Metadata, SearchHit, SearchOptions, SearchPredicate } from "./search-types.js";
import { checkK, TopK } from "./top-k.js";
import {
  checkDimensions,
  checkMetric,
  dotAt,
  type Metric,
  prepareVector,
  squaredL2At,
} from "./vector-math.js";

/** Options of an HNSW index (Malkov & Yashunin, 2018). */
export interface HnswOptions {
  dimensions: number;
  /** Default "cosine". */
  metric?: Metric;
  /** Links per node on upper layers (twice this on layer 0). Default 16. */
  m?: number;
  /** Candidate list size while inserting; larger builds slower and finds better links. Default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (at least k is used). Default 100. */
  efSearch?: number;
  /** Seed of the level generator, so a build is reproducible. Default 42. */
  seed?: number;
  /** When given, metadata and filters may use only these fields; others are refused by name. */
  fields?: readonly string[];
}

function checkInt(name: string, value: number, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    throw new InvalidRequestError(`HnswIndex: ${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Approximate nearest-neighbour search with a hierarchical navigable small-world graph, written
 * here in TypeScript so it runs on any runtime. Filters run during the graph walk (items that
 * fail are walked through but never returned); when the walk finds fewer than k passing items
 * the search falls back to an exact scan of them. Removing marks a node deleted: it still routes
 * searches but is never returned.
 */
export class HnswIndex {
  readonly dimensions: number;
  readonly metric: Metric;
  readonly m: number;
  readonly efConstruction: number;
  efSearch: number;
  private readonly fields: ReadonlySet<string> | undefined;
  private readonly random: () => number;
  private readonly levelMult: number;
  private data: Float32Array;
  private nodeIds: string[] = [];
  private nodeMeta: Array<Metadata | undefined> = [];
  private deleted = new Uint8Array(16);
  private links: number[][][] = [];
  /** Distances parallel to `links`, so a full list is pruned without recomputing them. */
  private linkDistances: number[][][] = [];
  private readonly nodeOf = new Map<string, number>();
  private entry = -1;
  private maxLevel = -1;
  private visited = new Uint32Array(16);
  private visitTag = 0;

  constructor(options: HnswOptions) {
    this.dimensions = checkDimensions(options?.dimensions, "HnswIndex");
    this.metric = checkMetric(options.metric ?? "cosine", "HnswIndex");
    this.m = checkInt("m", options.m ?? 16, 2);
    this.efConstruction = checkInt("efConstruction", options.efConstruction ?? 200, 1);
    this.efSearch = checkInt("efSearch", options.efSearch ?? 100, 1);
    this.fields = options.fields ? new Set(options.fields) : undefined;
    this.random = mulberry32(options.seed ?? 42);
    this.levelMult = 1 / Math.log(this.m);
    this.data = new Float32Array(this.dimensions * 16);
  }

  /** Live (not removed) items in the index. */
  get size(): number {
    return this.nodeOf.size;
  }

  /** True when an item with this id is indexed. */
  has(id: string): boolean {
    return this.nodeOf.has(id);
  }

  /** Distance from a query to a node, lower is nearer. */
  private distance(query: Float32Array, node: number): number {
    return this.metric === "euclidean"
      ? squaredL2At(query, this.data, node, this.dimensions)
      : -dotAt(query, this.data, node, this.dimensions);
  }

  private vector(node: number): Float32Array {
    return this.data.subarray(node * this.dimensions, (node + 1) * this.dimensions);
  }

  private score(distance: number): number {
    return this.metric === "euclidean" ? -Math.sqrt(distance) : -distance;
  }

  /** Adds or replaces an item (a replaced item's old node is marked deleted). */
  add(id: string, vector: ArrayLike<number>, metadata?: Metadata): void {
    if (typeof id !== "string" || id.length === 0)
      throw new InvalidRequestError("HnswIndex.add: id must be a non-empty string");
    const prepared = prepareVector(vector, this.dimensions, this.metric, `HnswIndex.add "${id}"`);
    checkMetadata(id, metadata, this.fields);
    this.remove(id);
    const node = this.nodeIds.length;
    this.ensureCapacity(node + 1);
    this.data.set(prepared, node * this.dimensions);
    this.nodeIds.push(id);
    this.nodeMeta.push(metadata === undefined ? undefined : Object.freeze({ ...metadata }));
    this.nodeOf.set(id, node);
    const level = Math.min(Math.floor(-Math.log(1 - this.random()) * this.levelMult), 32);
    this.links.push(Array.from({ length: level + 1 }, () => []));
    this.linkDistances.push(Array.from({ length: level + 1 }, () => []));
    if (this.entry < 0) {
      this.entry = node;
      this.maxLevel = level;
      return;
    }
    let ep = this.entry;
    let epDist = this.distance(prepared, ep);
    for (let l = this.maxLevel; l > level; l--) [ep, epDist] = this.greedy(prepared, ep, epDist, l);
    let entries = [{ distance: epDist, node: ep }];
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const found = this.searchLayer(prepared, entries, this.efConstruction, l, undefined);
      const maxLinks = l === 0 ? this.m * 2 : this.m;
      const chosen = this.selectNeighbors(found, this.m);
      this.links[node]![l] = chosen.map((c) => c.node);
      this.linkDistances[node]![l] = chosen.map((c) => c.distance);
      for (const c of chosen) this.link(c.node, node, c.distance, l, maxLinks);
      entries = found;
    }
    if (level > this.maxLevel) {
      this.entry = node;
      this.maxLevel = level;
    }
  }

  private ensureCapacity(nodes: number): void {
    if (nodes * this.dimensions > this.data.length) {
      const grown = new Float32Array(Math.max(nodes * this.dimensions, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    if (nodes > this.deleted.length) {
      const grown = new Uint8Array(Math.max(nodes, this.deleted.length * 2));
      grown.set(this.deleted);
      this.deleted = grown;
      this.visited = new Uint32Array(grown.length);
      this.visitTag = 0;
    }
  }

  /** Adds a back link from `from` to `to`, pruning `from`'s links with the heuristic when full. */
  private link(from: number, to: number, distance: number, level: number, maxLinks: number): void {
    const list = this.links[from]![level]!;
    const dists = this.linkDistances[from]![level]!;
    if (list.length < maxLinks) {
      list.push(to);
      dists.push(distance);
      return;
    }
    const candidates = list.map((n, i) => ({ distance: dists[i]!, node: n }));
    candidates.push({ distance, node: to });
    candidates.sort((a, b) => a.distance - b.distance);
    const kept = this.selectNeighbors(candidates, maxLinks);
    this.links[from]![level] = kept.map((c) => c.node);
    this.linkDistances[from]![level] = kept.map((c) => c.distance);
  }

  /**
   * The neighbour-selection heuristic (the paper's algorithm 4): keep a candidate only if it is
   * nearer to the base than to every neighbour already kept, so links spread in all directions.
   */
  private selectNeighbors(
    sorted: Array<{ distance: number; node: number }>,
    count: number,
  ): Array<{ distance: number; node: number }> {
    if (sorted.length <= count) return sorted;
    const kept: Array<{ distance: number; node: number }> = [];
    for (const candidate of sorted) {
      if (kept.length >= count) break;
      const v = this.vector(candidate.node);
      let good = true;
      for (const k of kept) {
        if (this.distance(v, k.node) < candidate.distance) {
          good = false;
          break;
        }
      }
      if (good) kept.push(candidate);
    }
    return kept;
  }

  private greedy(query: Float32Array, start: number, startDist: number, level: number): [number, number] {
    let node = start;
    let best = startDist;
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of this.links[node]![level] ?? []) {
        const d = this.distance(query, n);
        if (d < best) {
          best = d;
          node = n;
          changed = true;
        }
      }
    }
    return [node, best];
  }

  private nextVisitTag(): number {
    if (this.visitTag >= 0xfffffffe) {
      this.visited.fill(0);
      this.visitTag = 0;
    }
    return ++this.visitTag;
  }

  /**
   * Best-first search of one layer from the entry points, keeping `ef` results. With `accept`,
   * only accepted nodes become results (the rest are still expanded); without it every node does.
   */
  private searchLayer(
    query: Float32Array,
    entries: Array<{ distance: number; node: number }>,
    ef: number,
    level: number,
    accept: ((node: number) => boolean) | undefined,
  ): Array<{ distance: number; node: number }> {
    const tag = this.nextVisitTag();
    const visited = this.visited;
    const candidates = new DistanceHeap(false);
    const results = new DistanceHeap(true);
    for (const e of entries) {
      if (visited[e.node] === tag) continue;
      visited[e.node] = tag;
      candidates.push(e.distance, e.node);
      if (!accept || accept(e.node)) results.push(e.distance, e.node);
    }
    while (results.size > ef) results.pop();
    while (candidates.size > 0) {
      const d = candidates.topDistance;
      const c = candidates.topNode;
      if (results.size >= ef && d > results.topDistance) break;
      candidates.pop();
      for (const n of this.links[c]![level] ?? []) {
        if (visited[n] === tag) continue;
        visited[n] = tag;
        const nd = this.distance(query, n);
        if (results.size < ef || nd < results.topDistance) {
          candidates.push(nd, n);
          if (!accept || accept(n)) {
            results.push(nd, n);
            if (results.size > ef) results.pop();
          }
        }
      }
    }
    return results.ascending();
  }

  /** Marks an item deleted; false when no live item had this id. */
  remove(id: string): boolean {
    const node = this.nodeOf.get(id);
    if (node === undefined) return false;
    this.deleted[node] = 1;
    this.nodeMeta[node] = undefined;
    this.nodeOf.delete(id);
    return true;
  }

  /** The metadata stored with an item. */
  metadataOf(id: string): Metadata | undefined {
    const node = this.nodeOf.get(id);
    return node === undefined ? undefined : this.nodeMeta[node];
  }

  /** The approximately nearest k live items to `vector` among those passing the filter, best first. */
  search(vector: ArrayLike<number>, options: SearchOptions & { efSearch?: number }): SearchHit[] {
    const k = checkK(options?.k, "HnswIndex.search");
    const query = prepareVector(vector, this.dimensions, this.metric, "HnswIndex.search query");
    const filter: SearchPredicate | undefined =
      options.filter === undefined ? undefined : compileFilter(options.filter, this.fields);
    if (this.entry < 0 || this.nodeOf.size === 0) return [];
    const ef = Math.max(options.efSearch ?? this.efSearch, k);
    let ep = this.entry;
    let epDist = this.distance(query, ep);
    for (let l = this.maxLevel; l > 0; l--) [ep, epDist] = this.greedy(query, ep, epDist, l);
    const accept = (node: number) =>
      this.deleted[node] === 0 && (!filter || filter(this.nodeIds[node]!, this.nodeMeta[node]));
    const found = this.searchLayer(query, [{ distance: epDist, node: ep }], ef, 0, accept);
    if (found.length < Math.min(k, this.nodeOf.size)) return this.exact(query, k, accept);
    return found.slice(0, k).map((r) => ({ id: this.nodeIds[r.node]!, score: this.score(r.distance) }));
  }

  /** Scores every accepted node: the fallback when a filter leaves too few items within reach of the walk. */
  private exact(query: Float32Array, k: number, accept: (node: number) => boolean): SearchHit[] {
    const top = new TopK(k);
    for (let node = 0; node < this.nodeIds.length; node++)
      if (accept(node)) top.push(node, this.score(this.distance(query, node)));
    return top.sorted().map(({ slot, score }) => ({ id: this.nodeIds[slot]!, score }));
  }
}
