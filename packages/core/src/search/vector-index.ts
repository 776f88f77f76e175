import { InvalidRequestError } from "../errors.js";
import { checkMetadata, compileFilter } from "./metadata-filter.js";
import type { Metadata, SearchHit, SearchOptions } from "./search-types.js";
import { checkK, TopK } from "./top-k.js";
import { checkDimensions, checkMetric, type Metric, prepareVector, scoreAt } from "./vector-math.js";

/** Options of an exact vector index. */
export interface VectorIndexOptions {
  dimensions: number;
  /** Default "cosine". */
  metric?: Metric;
  /** When given, metadata and filters may use only these fields; others are refused by name. */
  fields?: readonly string[];
}

/** A vector index as plain JSON (`toJSON`). */
export interface VectorIndexJson {
  format: "keel.vectors";
  version: 1;
  dimensions: number;
  metric: Metric;
  fields: string[] | null;
  items: Array<[id: string, vector: number[], metadata?: Metadata]>;
}

/**
 * Exact nearest-neighbour search over Float32Array vectors packed in one buffer: every search
 * scores every live item that passes the filter. Scores: cosine similarity, dot product, or the
 * negated euclidean distance (higher is better for all three).
 */
export class VectorIndex {
  readonly dimensions: number;
  readonly metric: Metric;
  private readonly fields: ReadonlySet<string> | undefined;
  private data: Float32Array;
  private ids: string[] = [];
  private metadata: Array<Metadata | undefined> = [];
  private readonly slotOf = new Map<string, number>();

  constructor(options: VectorIndexOptions) {
    this.dimensions = checkDimensions(options?.dimensions, "VectorIndex");
    this.metric = checkMetric(options.metric ?? "cosine", "VectorIndex");
    this.fields = options.fields ? new Set(options.fields) : undefined;
    this.data = new Float32Array(this.dimensions * 16);
  }

  /** Live items in the index. */
  get size(): number {
    return this.ids.length;
  }

  /** True when an item with this id is indexed. */
  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds or replaces an item; the vector is copied (and unit-normalized for cosine). */
  add(id: string, vector: ArrayLike<number>, metadata?: Metadata): void {
    if (typeof id !== "string" || id.length === 0)
      throw new InvalidRequestError("VectorIndex.add: id must be a non-empty string");
    const prepared = prepareVector(vector, this.dimensions, this.metric, `VectorIndex.add "${id}"`);
    checkMetadata(id, metadata, this.fields);
    const frozen = metadata === undefined ? undefined : Object.freeze({ ...metadata });
    const existing = this.slotOf.get(id);
    if (existing !== undefined) {
      this.data.set(prepared, existing * this.dimensions);
      this.metadata[existing] = frozen;
      return;
    }
    const slot = this.ids.length;
    if ((slot + 1) * this.dimensions > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(prepared, slot * this.dimensions);
    this.ids.push(id);
    this.metadata.push(frozen);
    this.slotOf.set(id, slot);
  }

  /** Removes an item (the last item moves into its slot); false when no item had this id. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const d = this.dimensions;
      this.data.copyWithin(slot * d, last * d, (last + 1) * d);
      const moved = this.ids[last]!;
      this.ids[slot] = moved;
      this.metadata[slot] = this.metadata[last];
      this.slotOf.set(moved, slot);
    }
    this.ids.pop();
    this.metadata.pop();
    this.slotOf.delete(id);
    return true;
  }

  /** The stored vector of an item (unit length for cosine), as a copy. */
  vectorOf(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    return this.data.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  /** The metadata stored with an item. */
  metadataOf(id: string): Metadata | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.metadata[slot];
  }

  /** The ids of all items. */
  itemIds(): string[] {
    return [...this.ids];
  }

  /** The k nearest items to `vector` among those passing the filter, best first. */
  search(vector: ArrayLike<number>, options: SearchOptions): SearchHit[] {
    const k = checkK(options?.k, "VectorIndex.search");
    const query = prepareVector(vector, this.dimensions, this.metric, "VectorIndex.search query");
    const filter = options.filter === undefined ? undefined : compileFilter(options.filter, this.fields);
    const top = new TopK(k);
    const d = this.dimensions;
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (filter && !filter(this.ids[slot]!, this.metadata[slot])) continue;
      top.push(slot, scoreAt(this.metric, query, this.data, slot, d));
    }
    return top.sorted().map(({ slot, score }) => ({ id: this.ids[slot]!, score }));
  }

  /** The index as plain JSON (vectors as number arrays, as stored). */
  toJSON(): VectorIndexJson {
    const d = this.dimensions;
    return {
      format: "keel.vectors",
      version: 1,
      dimensions: d,
      metric: this.metric,
      fields: this.fields ? [...this.fields] : null,
      items: this.ids.map((id, slot) => {
        const vector = Array.from(this.data.subarray(slot * d, (slot + 1) * d));
        const meta = this.metadata[slot];
        return meta === undefined ? [id, vector] : [id, vector, meta];
      }),
    };
  }

  /** Restores an index saved with `toJSON`. */
  static fromJSON(json: VectorIndexJson): VectorIndex {
    if (json?.format !== "keel.vectors" || json.version !== 1)
      throw new InvalidRequestError("VectorIndex.fromJSON: not a keel.vectors version 1 snapshot");
    const index = new VectorIndex({
      dimensions: json.dimensions,
      metric: json.metric,
      ...(json.fields ? { fields: json.fields } : {}),
    });
    for (const [id, vector, metadata] of json.items) index.add(id, vector, metadata);
    return index;
  }
}
