import { InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import { checkNumberOption } from "../middleware/option-checks.js";
import type { CallOptions, EmbeddingModel, Middleware, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { deferStream, forward, responseEvents } from "../stream/stream-helpers.js";
import { toKeelError } from "../to-keel-error.js";
import type { CacheKind, CacheMissReason } from "./cache-events.js";
import { semanticScopeKey } from "./cache-key.js";
import { cacheMode, callThreshold, fromCached, toCached, uncacheableReason } from "./cache-policy.js";
import { sha256Hex } from "./canonical-json.js";
import { MemorySemanticStore } from "./memory-semantic-store.js";
import { sameQuestion } from "./same-question.js";
import { type SemanticMatch, type SemanticStore, unitVector } from "./semantic-store.js";
import { callStore } from "./store-call.js";

export interface SemanticCacheOptions {
  embedder: EmbeddingModel;
  /**
   * Minimum cosine similarity (0..1, higher is stricter) for a hit. It is a floor: a call may
   * raise it with `metadata["keel.cache.threshold"]`, never lower it. 1 serves only a prompt
   * with the same embedding (up to float rounding: a search never asks the store for more
   * than 1 - 1e-6). Default
   * `DEFAULT_SEMANTIC_THRESHOLD`, chosen for precision with `lexicalEmbedder` and the default
   * guard; measure your embedder with `pnpm bench:semantic-cache --data FILE`.
   */
  threshold?: number;
  /** Defaults to a fresh in-memory store. */
  store?: SemanticStore;
  /** Fixed lifetime of an entry from when it is written. */
  ttlMs?: number;
  /**
   * A last check before serving a hit, given the cached and the new prompt. Defaults to
   * `sameQuestion` (the same meaning words, typos allowed, numbers, negations and names, no
   * swapped roles), chosen for precision; `sameKeyFacts` checks only numbers, negations and names
   * (for a neural embedder that should match synonyms); `false` turns it off.
   */
  verify?: false | ((cachedPrompt: string, prompt: string) => boolean);
  /**
   * How long one store operation may take before the cache steps aside and the call goes to the
   * model (a `cache.error` event says so). The call's signal and deadline also end the wait.
   * Default 500 ms (a search reads a whole scope).
   */
  storeTimeoutMs?: number;
  events?: EventHub;
}

/**
 * The default similarity floor. With the default guard it was chosen on the tuning half of
 * Keel's generated pair set (bench/src/cache/paraphrase-pairs.ts) as the lowest threshold whose
 * false-hit rate there stays at 0; see the core README for the held-out figures.
 */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.8;

/** The default budget of one semantic-cache store operation. */
export const SEMANTIC_STORE_TIMEOUT_MS = 500;

/**
 * The highest similarity a search asks the store for. Similarities are dot products of float32
 * unit vectors, so a prompt scored against its own stored vector can come out a hair under 1
 * (0.99999999): asking for 1 itself would make a threshold of 1 never hit.
 */
const MAX_SEARCH_SIMILARITY = 1 - 1e-6;

const KIND: CacheKind = "semantic";

/**
 * The text a semantic cache embeds: the last message, if it is a user message made only of
 * text, with whitespace collapsed. Everything before it is part of the scope, not the text.
 */
export function semanticPrompt(request: ModelRequest): string | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== "user") return undefined;
  let text = "";
  if (typeof last.content === "string") text = last.content;
  else
    for (const part of last.content) {
      if (part.type !== "text") return undefined;
      text += ` ${part.text}`;
    }
  text = text.replace(/\s+/g, " ").trim();
  return text || undefined;
}

/**
 * Semantic response cache: a request whose last user message means nearly the same as a cached
 * one (embedding similarity >= threshold) gets the cached answer, but only within the same
 * scope: tenant, model, embedder, system prompt, earlier turns, tools and settings are a hard
 * partition (see `semanticScopeKey`), never a hint in the embedded text. Requests whose last
 * message is not plain user text pass through uncached. Per-call control: `cacheMode`,
 * `callThreshold`. Invalidate through the store (`delete`, `deleteScope`) with the `entryId`
 * and scope `key` reported by `cache.hit` / `cache.stored` events, or rely on `ttlMs`.
 */
export function semanticCache(options: SemanticCacheOptions): Middleware {
  const floor = options.threshold ?? DEFAULT_SEMANTIC_THRESHOLD;
  if (!(typeof floor === "number" && floor > 0 && floor <= 1))
    throw new InvalidRequestError(`semanticCache: threshold must be in (0, 1], got ${String(floor)}`);
  const store = options.store ?? new MemorySemanticStore();
  const hub = options.events ?? globalEvents;
  const verify = options.verify === undefined ? sameQuestion : options.verify;
  checkNumberOption("semanticCache", "storeTimeoutMs", options.storeTimeoutMs, { positive: true });
  const budgetMs = options.storeTimeoutMs ?? SEMANTIC_STORE_TIMEOUT_MS;

  return (next) => {
    const model = next.id;
    // A caller that gave up is not a cache failure; the model call that follows ends at once.
    const emitFailed = (operation: "get" | "set" | "embed", error: unknown, o?: CallOptions) =>
      o?.signal?.aborted ||
      hub.emit("cache.error", { kind: KIND, model, operation, error: toKeelError(error) }, o?.context);

    interface Plan {
      prompt: string;
      scope: string;
      vector: Float32Array;
      match?: SemanticMatch;
    }

    /** Embeds the prompt; undefined (after a miss or failure event) when the call cannot use the cache. */
    async function embed(request: ModelRequest, o?: CallOptions): Promise<Omit<Plan, "match"> | undefined> {
      const prompt = semanticPrompt(request);
      if (prompt !== undefined) {
        try {
          const scope = await semanticScopeKey(request, next, options.embedder);
          const { embeddings } = await options.embedder.embed(
            [prompt],
            o?.signal ? { signal: o.signal } : undefined,
          );
          // Stryker disable next-line ArrayDeclaration: equivalent: unitVector gives undefined for [] and for ["Stryker was here"] alike (its norm is NaN, not > 0)
          const vector = unitVector(embeddings[0] ?? []);
          if (vector) return { prompt, scope, vector };
        } catch (error) {
          emitFailed("embed", error, o);
          return undefined;
        }
      }
      hub.emit("cache.miss", { kind: KIND, model, reason: "uncacheable-request" }, o?.context);
      return undefined;
    }

    /** Looks the request up; undefined when the call bypasses the cache entirely. */
    async function plan(request: ModelRequest, o?: CallOptions): Promise<Plan | undefined> {
      const mode = cacheMode(request);
      const threshold = callThreshold(request, floor);
      if (mode === "bypass") {
        hub.emit("cache.miss", { kind: KIND, model, reason: "bypass" }, o?.context);
        return undefined;
      }
      const p = await embed(request, o);
      if (!p) return undefined;
      const miss = (reason: CacheMissReason, similarity?: number) => {
        const detail = similarity === undefined ? {} : { similarity };
        hub.emit("cache.miss", { kind: KIND, model, key: p.scope, reason, ...detail }, o?.context);
        return p;
      };
      if (mode === "refresh") return miss("refresh");
      let match: SemanticMatch | undefined;
      const minSimilarity = Math.min(threshold, MAX_SEARCH_SIMILARITY);
      try {
        match = await callStore((so) => store.search(p.scope, p.vector, minSimilarity, so), budgetMs, o);
      } catch (error) {
        emitFailed("get", error, o);
      }
      if (!match) return miss("not-found");
      if (verify && !verify(match.entry.prompt, p.prompt))
        return miss("rejected-by-verify", match.similarity);
      const { entry, similarity } = match;
      const ageMs = Date.now() - entry.storedAt;
      hub.emit(
        "cache.hit",
        { kind: KIND, model, key: p.scope, entryId: entry.id, similarity, ageMs },
        o?.context,
      );
      return { ...p, match };
    }

    async function save(p: Plan, response: ModelResponse, o?: CallOptions): Promise<void> {
      const reason = uncacheableReason(response);
      if (reason) {
        hub.emit("cache.skipped", { kind: KIND, model, reason }, o?.context);
        return;
      }
      try {
        const entryId = (await sha256Hex(`${p.scope}\n${p.prompt}`)).slice(0, 32);
        const entry = { id: entryId, prompt: p.prompt, response: toCached(response), storedAt: Date.now() };
        await callStore((so) => store.add(p.scope, p.vector, entry, options.ttlMs, so), budgetMs, o);
        hub.emit("cache.stored", { kind: KIND, model, key: p.scope, entryId }, o?.context);
      } catch (error) {
        emitFailed("set", error, o);
      }
    }

    return wrapModel(next, {
      async generate(request, o) {
        const startedAt = Date.now();
        const p = await plan(request, o);
        if (p?.match) return fromCached(p.match.entry.response, startedAt);
        const response = await next.generate(request, o);
        if (p) await save(p, response, o);
        return response;
      },
      stream(request, o) {
        const startedAt = Date.now();
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model, ...(o ? { options: o } : {}) },
          async function* () {
            const p = await plan(request, o);
            if (p?.match) {
              final = fromCached(p.match.entry.response, startedAt);
              yield* responseEvents(final);
              return;
            }
            let live: ModelResponse | undefined;
            yield* forward(next.stream(request, o), (r) => (live = r));
            if (p) await save(p, live!, o);
            final = live;
          },
          () => final,
        );
      },
    });
  };
}
