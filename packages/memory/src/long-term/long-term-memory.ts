import { type EmbeddingModel, InvalidRequestError, type Model, type Usage } from "@keel/core";
import { VersionConflictError } from "../errors.js";
import type { StateStore } from "../persistent/state-store.js";
import { resolveScope, type Scope, scopeId } from "../scope.js";
import { type AddResult, planAdds } from "./add-plan.js";
import { type ConversationTurn, extractMemories } from "./extraction.js";
import { embedAll, type IndexOptions, MemoryIndex } from "./memory-index.js";
import {
  checkInput,
  type MemoryInput,
  type MemoryKind,
  type MemoryRecord,
  normalizeText,
  toMillis,
  validAt,
} from "./memory-record.js";
import { DEFAULT_SCORING, namedSpeaker, recencyOf, type ScoringOptions, timeMatch } from "./scoring.js";
import { timeRanges } from "./time-expressions.js";

const RECORD_PREFIX = "ltm/";
const HISTORY_STREAM = "ltm/history";

/** Options of `LongTermMemory`. */
export interface LongTermMemoryOptions {
  /** Where memories persist (in-memory, SQLite, PostgreSQL, Redis). */
  store: StateStore;
  /** Embeds memories for vector search (any core `EmbeddingModel`, e.g. `lexicalEmbedder()`); without it search is BM25 only. */
  embedder?: EmbeddingModel;
  /** The model `extract` asks. */
  model?: Model;
  index?: IndexOptions;
  scoring?: ScoringOptions;
  now?: () => number;
}

/** Narrows and tunes `search`. */
export interface SearchOptions {
  /** Hits returned. Default 10. */
  k?: number;
  /** Default "hybrid" with an embedder, else "bm25". */
  method?: "bm25" | "vector" | "hybrid";
  kinds?: MemoryKind[];
  /** Only memories valid at this time (default now); superseded ones are left out unless `includeInvalid`. */
  asOf?: number | Date;
  includeInvalid?: boolean;
  /** What "now" is for recency and for time words in the query ("last May"). Default the clock. */
  now?: number | Date;
  scoring?: ScoringOptions;
}

/** One search result with the signals that ranked it. */
export interface MemoryHit {
  record: MemoryRecord;
  score: number;
  relevance: number;
  recency: number;
  timeMatch: number;
}

/** What `extract` did. */
export interface ExtractResult {
  applied: Array<AddResult | { action: "invalidated"; record: MemoryRecord }>;
  usage: Usage;
}

/**
 * Long-term memory of facts, preferences and episodes per user: persisted in a `StateStore`,
 * searched by relevance (BM25 and vectors through `@keel/core/search`), recency, importance and
 * the time words of the question, with history kept through validity times rather than
 * overwrites. The search index is per process, built from the store on first use for a scope;
 * call `refresh` to see memories another process wrote since.
 */
export class LongTermMemory {
  readonly #store: StateStore;
  readonly #embedder: EmbeddingModel | undefined;
  readonly #model: Model | undefined;
  readonly #indexOptions: IndexOptions;
  readonly #scoring: Required<ScoringOptions>;
  readonly #now: () => number;
  readonly #indexes = new Map<string, Promise<MemoryIndex>>();

  constructor(options: LongTermMemoryOptions) {
    if (!options?.store) throw new InvalidRequestError("LongTermMemory needs a store");
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#model = options.model;
    this.#indexOptions = options.index ?? {};
    this.#scoring = { ...DEFAULT_SCORING, ...options.scoring };
    this.#now = options.now ?? Date.now;
  }

  /**
   * Stores a memory. A fact or preference with the subject of a valid one of the same kind
   * replaces it (the old one is invalidated, not deleted) unless its content is the same, in
   * which case the old one is kept and its sources merged. Episodes are always added.
   */
  async add(scope: Scope, input: MemoryInput): Promise<AddResult> {
    return (await this.addMany(scope, [input]))[0]!;
  }

  /**
   * Stores several memories in order (one embedding call), with `add`'s conflict handling: a
   * later input conflicts with an earlier one of the same call as it would with a stored one.
   * Nothing is written until every new memory is embedded, so a failing embedder changes nothing.
   */
  async addMany(scope: Scope, inputs: MemoryInput[]): Promise<AddResult[]> {
    const s = resolveScope(scope);
    if (!Array.isArray(inputs)) throw new InvalidRequestError("addMany needs an array of memory inputs");
    const checked = inputs.map(checkInput);
    const index = await this.#index(s);
    const { results, fresh, merges, ends } = planAdds(index, checked, this.#now());
    if (this.#embedder && fresh.length) {
      const vectors = await embedAll(
        this.#embedder,
        fresh.map((r) => index.textOf(r)),
      );
      fresh.forEach((r, i) => {
        r.embedding = { model: this.#embedder!.id, vector: vectors[i]! };
      });
    }
    // New memories first, so an `invalidatedBy` never names one that is not stored.
    for (const r of fresh) {
      await this.#store.put(s, RECORD_PREFIX + r.id, r, { expectedVersion: 0 });
      index.add(r, r.embedding?.vector);
    }
    const written = new Map<string, MemoryRecord>();
    for (const [id, merge] of merges) {
      const merged = await this.#update(s, id, (r) => ({
        ...r,
        confidence: Math.max(r.confidence, merge.confidence),
        sourceTurnIds: [...new Set([...r.sourceTurnIds, ...merge.sourceTurnIds])],
        updatedAt: merge.at,
      }));
      index.add(merged, merged.embedding?.vector);
      written.set(id, merged);
    }
    for (const [id, end] of ends) written.set(id, await this.#invalidate(s, index, id, end.at, end.by));
    for (const r of results) {
      r.record = written.get(r.record.id) ?? r.record;
      r.invalidated = r.invalidated.map((old) => written.get(old.id) ?? old);
    }
    const changes = results.filter((r) => r.action !== "unchanged");
    if (changes.length)
      await this.#store.append(
        s,
        HISTORY_STREAM,
        changes.map((r) => ({
          type: r.action,
          data: { id: r.record.id, replaced: r.invalidated.map((i) => i.id) },
        })),
      );
    return results;
  }

  /** Marks a memory as no longer true from `at` (default now); it stays in history. */
  async invalidate(scope: Scope, id: string, at?: number | Date): Promise<MemoryRecord> {
    const s = resolveScope(scope);
    const index = await this.#index(s);
    const record = await this.#invalidate(s, index, id, toMillis(at, "at") ?? this.#now(), undefined);
    await this.#store.append(s, HISTORY_STREAM, [{ type: "invalidated", data: { id } }]);
    return record;
  }

  /** A memory by id, valid or not. */
  async get(scope: Scope, id: string): Promise<MemoryRecord | undefined> {
    return (await this.#store.get<MemoryRecord>(scope, RECORD_PREFIX + id))?.value;
  }

  /** The user's memories (valid ones unless `includeInvalid`), oldest first. */
  async list(
    scope: Scope,
    options: { includeInvalid?: boolean; kinds?: MemoryKind[] } = {},
  ): Promise<MemoryRecord[]> {
    const index = await this.#index(resolveScope(scope));
    const now = this.#now();
    return [...index.records.values()]
      .filter(
        (r) =>
          (options.includeInvalid || validAt(r, now)) && (!options.kinds || options.kinds.includes(r.kind)),
      )
      .sort(
        (a, b) =>
          a.validFrom - b.validFrom ||
          a.createdAt - b.createdAt ||
          // Of two that began together, the superseded one came first.
          Number(a.validTo === undefined) - Number(b.validTo === undefined),
      );
  }

  /** Every version of what is known about a subject, valid and superseded, in the order they held. */
  async history(scope: Scope, subject: string): Promise<MemoryRecord[]> {
    const all = await this.list(scope, { includeInvalid: true });
    return all.filter((r) => normalizeText(r.subject) === normalizeText(subject));
  }

  /** The memories that best answer `query`, scored by relevance, recency, importance and time words. */
  async search(scope: Scope, query: string, options: SearchOptions = {}): Promise<MemoryHit[]> {
    if (typeof query !== "string") throw new InvalidRequestError("search query must be a string");
    const k = options.k ?? 10;
    if (!(Number.isInteger(k) && k > 0))
      throw new InvalidRequestError(`k must be a positive integer, got ${k}`);
    const method = options.method ?? (this.#embedder ? "hybrid" : "bm25");
    if (method !== "bm25" && !this.#embedder)
      throw new InvalidRequestError(`search method "${method}" needs an embedder`);
    const s = resolveScope(scope);
    const index = await this.#index(s);
    const now = toMillis(options.now, "now") ?? this.#now();
    const asOf = toMillis(options.asOf, "asOf") ?? now;
    const scoring = { ...this.#scoring, ...options.scoring };
    const accept = (id: string) => {
      const r = index.records.get(id)!;
      return (
        (options.includeInvalid || validAt(r, asOf)) && (!options.kinds || options.kinds.includes(r.kind))
      );
    };
    const queryVector =
      method === "bm25" || !this.#embedder ? undefined : (await this.#embedder.embed([query])).embeddings[0];
    const limit = Math.max(50, 5 * k);
    const candidates = index.candidates(query, queryVector, { method, limit, accept });
    const relevance = new Map(candidates.map((c) => [c.id, c.relevance]));
    // A short reply ("Yes, last week!") is found through the turn it answers: neighbours lend context.
    if (scoring.context > 0)
      for (const c of candidates.slice(0, 2 * k))
        for (const n of index.neighbours(c.id, scoring.contextWindow))
          if (!relevance.has(n) && accept(n)) relevance.set(n, 0);
    const queryTimes = scoring.time > 0 ? timeRanges(query, now) : [];
    const speaker = scoring.speaker > 0 ? namedSpeaker(query, index.speakers.keys()) : undefined;
    const hits: MemoryHit[] = [];
    for (const [id, own] of relevance) {
      const record = index.records.get(id)!;
      let rel = own;
      if (scoring.context > 0) {
        let best = 0;
        for (const n of index.neighbours(id, scoring.contextWindow))
          best = Math.max(best, relevance.get(n) ?? 0);
        rel += scoring.context * best;
      }
      const recency = recencyOf(record, now, scoring.halfLifeDays);
      const time = timeMatch(record, index.eventRanges.get(id) ?? [], queryTimes);
      const named = speaker !== undefined && record.speaker === speaker ? scoring.speaker : 0;
      const score =
        rel +
        scoring.recency * recency +
        scoring.importance * record.importance +
        scoring.time * time +
        named;
      hits.push({ record, score, relevance: rel, recency, timeMatch: time });
    }
    hits.sort((a, b) => b.score - a.score || (a.record.id < b.record.id ? -1 : 1));
    return hits.slice(0, k);
  }

  /**
   * Extracts memories from conversation turns with the model (core's structured output) and
   * applies them: adds, updates (the old one invalidated) and invalidations, against the user's
   * most relevant existing memories, which the model is shown by id.
   */
  async extract(
    scope: Scope,
    turns: ConversationTurn[],
    options: { signal?: AbortSignal } = {},
  ): Promise<ExtractResult> {
    if (!this.#model) throw new InvalidRequestError("extract needs a model: pass `model` to LongTermMemory");
    if (!Array.isArray(turns) || turns.length === 0)
      throw new InvalidRequestError("extract needs at least one turn");
    const s = resolveScope(scope);
    const text = turns.map((t) => t.text).join(" ");
    const existing = (await this.search(s, text, { k: 20, kinds: ["fact", "preference"] })).map(
      (h) => h.record,
    );
    const { memories, usage } = await extractMemories(this.#model, turns, existing, options);
    const timeOf = (m: { sourceTurnIds: string[]; time: string | null }) => {
      if (m.time) return Date.parse(m.time);
      const source = turns.find((t) => m.sourceTurnIds.includes(t.id));
      return toMillis(source?.time, "turn time");
    };
    const applied: ExtractResult["applied"] = [];
    for (const m of memories) {
      if (m.action === "none") continue;
      if (m.action === "invalidate") {
        applied.push({ action: "invalidated", record: await this.invalidate(s, m.target!, timeOf(m)) });
        continue;
      }
      const speaker = turns.find((t) => m.sourceTurnIds.includes(t.id))?.speaker;
      applied.push(
        await this.add(s, {
          kind: m.kind,
          subject: m.subject,
          content: m.content,
          confidence: m.confidence,
          importance: m.importance,
          sourceTurnIds: m.sourceTurnIds,
          ...(speaker !== undefined && m.kind === "episode" ? { speaker } : {}),
          ...(timeOf(m) !== undefined ? { time: timeOf(m) } : {}),
          ...(m.action === "update" ? { supersedes: m.target! } : {}),
        }),
      );
    }
    return { applied, usage };
  }

  /**
   * Deletes memories that have decayed: strength (importance × recency) below `threshold`.
   * Facts and preferences that are still valid are kept unless `kinds` names them. Returns what was removed.
   */
  async prune(scope: Scope, options: { threshold: number; kinds?: MemoryKind[] }): Promise<MemoryRecord[]> {
    if (!(options?.threshold >= 0 && options.threshold <= 1))
      throw new InvalidRequestError("prune threshold must be from 0 to 1");
    const s = resolveScope(scope);
    const index = await this.#index(s);
    const kinds = options.kinds ?? ["episode"];
    const now = this.#now();
    const removed: MemoryRecord[] = [];
    for (const r of [...index.records.values()]) {
      if (!kinds.includes(r.kind)) continue;
      if (r.importance * recencyOf(r, now, this.#scoring.halfLifeDays) >= options.threshold) continue;
      await this.#store.delete(s, RECORD_PREFIX + r.id);
      index.remove(r.id);
      removed.push(r);
    }
    if (removed.length)
      await this.#store.append(s, HISTORY_STREAM, [
        { type: "pruned", data: { ids: removed.map((r) => r.id) } },
      ]);
    return removed;
  }

  /** Removes everything stored for the user (memories, history, and any other state of that scope) and its index. */
  async forget(scope: Scope): Promise<void> {
    const s = resolveScope(scope);
    // Dropped before and after: an index a search builds while the store forgets is not kept.
    this.#indexes.delete(scopeId(s));
    await this.#store.forget(s);
    this.#indexes.delete(scopeId(s));
  }

  /** Drops this process's index of the user, so the next call rebuilds it from the store. */
  refresh(scope: Scope): void {
    this.#indexes.delete(scopeId(resolveScope(scope)));
  }

  async #invalidate(
    s: { tenant: string; user: string },
    index: MemoryIndex,
    id: string,
    at: number,
    by: string | undefined,
  ): Promise<MemoryRecord> {
    const record = await this.#update(s, id, (r) => ({
      ...r,
      validTo: Math.max(at, r.validFrom),
      ...(by !== undefined ? { invalidatedBy: by } : {}),
      updatedAt: this.#now(),
    }));
    index.add(record, record.embedding?.vector);
    return record;
  }

  /** Read-modify-write of one record under optimistic concurrency, retried on conflict. */
  async #update(
    s: { tenant: string; user: string },
    id: string,
    change: (r: MemoryRecord) => MemoryRecord,
  ): Promise<MemoryRecord> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.#store.get<MemoryRecord>(s, RECORD_PREFIX + id);
      if (!current) throw new InvalidRequestError(`no memory "${id}" for this user`);
      const next = change(current.value);
      try {
        await this.#store.put(s, RECORD_PREFIX + id, next, { expectedVersion: current.version });
        return next;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 4) throw error;
      }
    }
  }

  #index(s: { tenant: string; user: string }): Promise<MemoryIndex> {
    const id = scopeId(s);
    let index = this.#indexes.get(id);
    if (!index) {
      index = this.#load(s);
      this.#indexes.set(id, index);
      index.catch(() => this.#indexes.delete(id));
    }
    return index;
  }

  async #load(s: { tenant: string; user: string }): Promise<MemoryIndex> {
    const index = new MemoryIndex(
      this.#indexOptions,
      this.#embedder?.dimensions ?? (this.#embedder ? await this.#dimensions() : undefined),
    );
    const records = (await this.#store.list<MemoryRecord>(s, { prefix: RECORD_PREFIX })).map((v) => v.value);
    const stale = records.filter((r) => this.#embedder && r.embedding?.model !== this.#embedder.id);
    if (stale.length && this.#embedder) {
      const vectors = await embedAll(
        this.#embedder,
        stale.map((r) => index.textOf(r)),
      );
      stale.forEach((r, i) => {
        r.embedding = { model: this.#embedder!.id, vector: vectors[i]! };
      });
    }
    for (const r of records) index.add(r, r.embedding?.vector);
    return index;
  }

  async #dimensions(): Promise<number> {
    return (await this.#embedder!.embed(["dimensions"])).embeddings[0]!.length;
  }
}
