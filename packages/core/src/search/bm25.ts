import { InvalidRequestError } from "../errors.js";
import { type Analyzer, type AnalyzerOptions, createAnalyzer } from "./analyzer.js";
import { luceneLength } from "./lucene-length.js";
import { checkMetadata, compileFilter } from "./metadata-filter.js";
import type { Metadata, SearchHit, SearchOptions } from "./search-types.js";
import { checkK, TopK } from "./top-k.js";

/** Options of a BM25 index. */
export interface Bm25Options {
  /** Term-frequency saturation. Default 0.9 (Anserini's default, used for its BEIR baselines). */
  k1?: number;
  /** Length normalization, 0 to 1. Default 0.4 (Anserini's default). */
  b?: number;
  /** An analyzer function, or options for `createAnalyzer` (serializable). Default: `createAnalyzer()`. */
  analyzer?: Analyzer | AnalyzerOptions;
  /** When given, metadata and filters may use only these fields; others are refused by name. */
  fields?: readonly string[];
  /**
   * "lucene" (default): document lengths are rounded to the one-byte values Lucene stores
   * (exact below 40 terms, within 1/8 above), so scores equal Lucene's and
   * Anserini's; "exact": the true lengths.
   */
  lengthPrecision?: "lucene" | "exact";
}

/** A BM25 index as plain JSON (`toJSON`), restorable with `Bm25Index.fromJSON`. */
export interface Bm25Json {
  format: "keel.bm25";
  version: 1;
  k1: number;
  b: number;
  lengthPrecision: "lucene" | "exact";
  /** The analyzer options, or null when the index used a custom analyzer function. */
  analyzer: AnalyzerOptions | null;
  fields: string[] | null;
  /** Every term once; documents refer to terms by position here. */
  terms: string[];
  /** Per document: id, length in terms, flat [termIndex, tf, termIndex, tf, ...], metadata. */
  docs: Array<[id: string, length: number, termFreqs: number[], metadata?: Metadata]>;
}

interface Postings {
  slots: number[];
  tfs: number[];
  /** Live documents containing the term. */
  df: number;
}

const COMPACT_RATIO = 0.25;

function checkParam(name: string, value: number, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw new InvalidRequestError(
      `Bm25Index: ${name} must be a number in [${min}, ${max}], got ${String(value)}`,
    );
  return value;
}

/**
 * An in-memory Okapi BM25 index with Lucene's scoring (idf = ln(1 + (N − df + 0.5)/(df + 0.5)),
 * tf/(tf + k1·(1 − b + b·dl/avgdl)), dl stored as Lucene stores it): incremental add and remove, metadata filters applied
 * while ranking, JSON round trip.
 */
export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly lengthPrecision: "lucene" | "exact";
  private readonly analyzer: Analyzer;
  private readonly analyzerOptions: AnalyzerOptions | null;
  private readonly fields: ReadonlySet<string> | undefined;
  private readonly termIds = new Map<string, number>();
  private readonly termNames: string[] = [];
  private readonly postings: Postings[] = [];
  private readonly slotOf = new Map<string, number>();
  private ids: Array<string | undefined> = [];
  private lengths: number[] = [];
  private docTerms: Array<Uint32Array | undefined> = [];
  private metadata: Array<Metadata | undefined> = [];
  private totalLength = 0;
  private deadPostings = 0;
  private livePostings = 0;
  private norms: Float64Array | undefined;
  private scores = new Float64Array(0);
  private touched = new Int32Array(0);

  constructor(options: Bm25Options = {}) {
    this.k1 = checkParam("k1", options.k1 ?? 0.9, 0, 1000);
    this.b = checkParam("b", options.b ?? 0.4, 0, 1);
    this.lengthPrecision = options.lengthPrecision ?? "lucene";
    if (this.lengthPrecision !== "lucene" && this.lengthPrecision !== "exact")
      throw new InvalidRequestError(
        `Bm25Index: lengthPrecision must be "lucene" or "exact", got ${String(this.lengthPrecision)}`,
      );
    if (typeof options.analyzer === "function") {
      this.analyzer = options.analyzer;
      this.analyzerOptions = null;
    } else {
      this.analyzerOptions = { ...(options.analyzer ?? {}) };
      this.analyzer = createAnalyzer(this.analyzerOptions);
    }
    this.fields = options.fields ? new Set(options.fields) : undefined;
  }

  /** Live documents in the index. */
  get size(): number {
    return this.slotOf.size;
  }

  /** True when a document with this id is indexed. */
  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Indexes `text` under `id` (replacing an earlier document with that id), with optional metadata for filters. */
  add(id: string, text: string, metadata?: Metadata): void {
    if (typeof id !== "string" || id.length === 0)
      throw new InvalidRequestError("Bm25Index.add: id must be a non-empty string");
    if (typeof text !== "string")
      throw new InvalidRequestError(`Bm25Index.add: text of "${id}" must be a string`);
    checkMetadata(id, metadata, this.fields);
    const counts = new Map<number, number>();
    let length = 0;
    for (const term of this.analyzer(text)) {
      let tid = this.termIds.get(term);
      if (tid === undefined) {
        tid = this.termNames.length;
        this.termIds.set(term, tid);
        this.termNames.push(term);
        this.postings.push({ slots: [], tfs: [], df: 0 });
      }
      counts.set(tid, (counts.get(tid) ?? 0) + 1);
      length++;
    }
    this.insert(id, length, counts, metadata);
  }

  private insert(
    id: string,
    length: number,
    counts: Map<number, number>,
    metadata: Metadata | undefined,
  ): void {
    this.remove(id);
    const slot = this.ids.length;
    const flat = new Uint32Array(counts.size * 2);
    let i = 0;
    for (const [tid, tf] of counts) {
      const p = this.postings[tid]!;
      p.slots.push(slot);
      p.tfs.push(tf);
      p.df++;
      flat[i++] = tid;
      flat[i++] = tf;
    }
    this.ids.push(id);
    this.lengths.push(length);
    this.docTerms.push(flat);
    this.metadata.push(metadata === undefined ? undefined : Object.freeze({ ...metadata }));
    this.slotOf.set(id, slot);
    this.totalLength += length;
    this.livePostings += counts.size;
    this.norms = undefined;
  }

  /** Removes a document; returns false when no document had this id. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const flat = this.docTerms[slot]!;
    for (let i = 0; i < flat.length; i += 2) this.postings[flat[i]!]!.df--;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.docTerms[slot] = undefined;
    this.metadata[slot] = undefined;
    this.totalLength -= this.lengths[slot]!;
    this.deadPostings += flat.length / 2;
    this.livePostings -= flat.length / 2;
    this.norms = undefined;
    if (this.deadPostings > COMPACT_RATIO * (this.livePostings + this.deadPostings)) this.compact();
    return true;
  }

  /** Drops removed documents from the postings, renumbering slots. */
  private compact(): void {
    const remap = new Int32Array(this.ids.length).fill(-1);
    const ids: Array<string | undefined> = [];
    const lengths: number[] = [];
    const docTerms: Array<Uint32Array | undefined> = [];
    const metadata: Array<Metadata | undefined> = [];
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === undefined) continue;
      remap[slot] = ids.length;
      this.slotOf.set(id, ids.length);
      ids.push(id);
      lengths.push(this.lengths[slot]!);
      docTerms.push(this.docTerms[slot]);
      metadata.push(this.metadata[slot]);
    }
    for (const p of this.postings) {
      let w = 0;
      for (let r = 0; r < p.slots.length; r++) {
        const to = remap[p.slots[r]!]!;
        if (to < 0) continue;
        p.slots[w] = to;
        p.tfs[w] = p.tfs[r]!;
        w++;
      }
      p.slots.length = w;
      p.tfs.length = w;
    }
    this.ids = ids;
    this.lengths = lengths;
    this.docTerms = docTerms;
    this.metadata = metadata;
    this.deadPostings = 0;
  }

  private documentNorms(): Float64Array {
    if (this.norms && this.norms.length === this.ids.length) return this.norms;
    const avg = this.slotOf.size > 0 ? this.totalLength / this.slotOf.size : 1;
    const norms = new Float64Array(this.ids.length);
    const lucene = this.lengthPrecision === "lucene";
    for (let slot = 0; slot < norms.length; slot++) {
      const length = lucene ? luceneLength(this.lengths[slot]!) : this.lengths[slot]!;
      norms[slot] = this.k1 * (1 - this.b + (this.b * length) / (avg || 1));
    }
    this.norms = norms;
    return norms;
  }

  /** The inverse document frequency Lucene's BM25 gives a term (0 for a term no live document has). */
  idf(term: string): number {
    const tid = this.termIds.get(term);
    const df = tid === undefined ? 0 : this.postings[tid]!.df;
    if (df === 0) return 0;
    return Math.log(1 + (this.slotOf.size - df + 0.5) / (df + 0.5));
  }

  /**
   * The k best documents for a query, best first. Query terms are analyzed like documents; a term
   * repeated in the query counts that many times, as Lucene's repeated clauses do.
   */
  search(query: string, options: SearchOptions): SearchHit[] {
    if (typeof query !== "string") throw new InvalidRequestError("Bm25Index.search: query must be a string");
    const k = checkK(options?.k, "Bm25Index.search");
    const filter = options.filter === undefined ? undefined : compileFilter(options.filter, this.fields);
    const queryTerms = new Map<number, number>();
    for (const term of this.analyzer(query)) {
      const tid = this.termIds.get(term);
      if (tid !== undefined && this.postings[tid]!.df > 0)
        queryTerms.set(tid, (queryTerms.get(tid) ?? 0) + 1);
    }
    if (queryTerms.size === 0) return [];
    const slots = this.ids.length;
    if (this.scores.length < slots) {
      this.scores = new Float64Array(Math.max(slots, this.scores.length * 2));
      this.touched = new Int32Array(this.scores.length);
    }
    const scores = this.scores;
    const touched = this.touched;
    const norms = this.documentNorms();
    const n = this.slotOf.size;
    let touchedCount = 0;
    for (const [tid, qtf] of queryTerms) {
      const p = this.postings[tid]!;
      const weight = qtf * Math.log(1 + (n - p.df + 0.5) / (p.df + 0.5));
      const ps = p.slots;
      const tfs = p.tfs;
      for (let i = 0; i < ps.length; i++) {
        const slot = ps[i]!;
        const tf = tfs[i]!;
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot]! += (weight * tf) / (tf + norms[slot]!);
      }
    }
    const top = new TopK(k);
    const ids = this.ids;
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i]!;
      const score = scores[slot]!;
      scores[slot] = 0;
      const id = ids[slot];
      if (id === undefined || score < top.threshold) continue;
      if (filter && !filter(id, this.metadata[slot])) continue;
      top.push(slot, score);
    }
    return top.sorted().map(({ slot, score }) => ({ id: ids[slot]!, score }));
  }

  /** The metadata stored with a document. */
  metadataOf(id: string): Metadata | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.metadata[slot];
  }

  /** The ids of all live documents, in insertion order. */
  documentIds(): string[] {
    return this.ids.filter((id): id is string => id !== undefined);
  }

  /** The index as plain JSON: documents' analyzed term counts, not their text. */
  toJSON(): Bm25Json {
    const usedTerms = new Map<number, number>();
    const terms: string[] = [];
    const docs: Bm25Json["docs"] = [];
    for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === undefined) continue;
      const flat = this.docTerms[slot]!;
      const pairs: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        let local = usedTerms.get(flat[i]!);
        if (local === undefined) {
          local = terms.length;
          usedTerms.set(flat[i]!, local);
          terms.push(this.termNames[flat[i]!]!);
        }
        pairs.push(local, flat[i + 1]!);
      }
      const meta = this.metadata[slot];
      docs.push(
        meta === undefined ? [id, this.lengths[slot]!, pairs] : [id, this.lengths[slot]!, pairs, meta],
      );
    }
    return {
      format: "keel.bm25",
      version: 1,
      k1: this.k1,
      b: this.b,
      lengthPrecision: this.lengthPrecision,
      analyzer: this.analyzerOptions,
      fields: this.fields ? [...this.fields] : null,
      terms,
      docs,
    };
  }

  /**
   * Restores an index saved with `toJSON`. An index saved with a custom analyzer function needs
   * the same function again in `options.analyzer`.
   */
  static fromJSON(json: Bm25Json, options: { analyzer?: Analyzer } = {}): Bm25Index {
    if (json?.format !== "keel.bm25" || json.version !== 1)
      throw new InvalidRequestError("Bm25Index.fromJSON: not a keel.bm25 version 1 snapshot");
    if (json.analyzer === null && !options.analyzer)
      throw new InvalidRequestError(
        "Bm25Index.fromJSON: the index used a custom analyzer; pass it as options.analyzer",
      );
    const index = new Bm25Index({
      k1: json.k1,
      b: json.b,
      lengthPrecision: json.lengthPrecision ?? "lucene",
      analyzer: options.analyzer ?? json.analyzer ?? {},
      ...(json.fields ? { fields: json.fields } : {}),
    });
    const tids = json.terms.map((term) => {
      let tid = index.termIds.get(term);
      if (tid === undefined) {
        tid = index.termNames.length;
        index.termIds.set(term, tid);
        index.termNames.push(term);
        index.postings.push({ slots: [], tfs: [], df: 0 });
      }
      return tid;
    });
    for (const [id, length, pairs, metadata] of json.docs) {
      const counts = new Map<number, number>();
      for (let i = 0; i < pairs.length; i += 2) {
        const tid = tids[pairs[i]!];
        const tf = pairs[i + 1]!;
        if (tid === undefined || !Number.isInteger(tf) || tf < 1)
          throw new InvalidRequestError(`Bm25Index.fromJSON: document "${id}" has a bad term entry`);
        counts.set(tid, tf);
      }
      checkMetadata(id, metadata, index.fields);
      index.insert(id, length, counts, metadata);
    }
    return index;
  }
}
