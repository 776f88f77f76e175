import {
  type CallOptions,
  type EmbeddingModel,
  isKeelError,
  KeelError,
  type Model,
  type ModelResponse,
  OutputParseError,
  type RetryOptions,
  retry,
} from "@keel/core";
import { contentHash } from "../content-hash.js";
import type { EmbeddingCache } from "./embedding-cache.js";

/** Options of `createEmbedder`. */
export interface EmbedderOptions {
  /** Cache of vectors by (model, text) hash. Default: none. */
  cache?: EmbeddingCache;
  /** Texts per request; never more than the model's `maxBatchSize`. Default: `maxBatchSize`. */
  batchSize?: number;
  /** Retries of a failed batch through core's `retry` middleware; `false` for none. Default: core's defaults. */
  retry?: RetryOptions | false;
}

/** Embeds texts in batches with caching and retries; vectors come back as Float32Arrays. */
export interface Embedder {
  readonly model: EmbeddingModel;
  /** A stable name of the model and its dimensions, stored with indexes so a mismatch is caught. */
  readonly modelKey: string;
  embed(texts: readonly string[], options?: CallOptions): Promise<Float32Array[]>;
}

function embeddingAsModel(model: EmbeddingModel): Model {
  return {
    provider: model.provider,
    id: model.id,
    capabilities: { streaming: false, tools: false, jsonSchema: false, vision: false, reasoning: false },
    async generate(request, options) {
      const texts = request.messages.map((m) => (typeof m.content === "string" ? m.content : ""));
      const started = Date.now();
      const result = await model.embed(texts, options);
      return {
        content: [],
        text: "",
        toolCalls: [],
        usage: {
          inputTokens: result.usage?.inputTokens ?? 0,
          outputTokens: 0,
          totalTokens: result.usage?.inputTokens ?? 0,
        },
        finishReason: "stop",
        provider: model.provider,
        model: { requested: model.id },
        timings: { totalMs: Date.now() - started },
        raw: result,
      };
    },
    stream() {
      throw new OutputParseError("an embedding model does not stream");
    },
  };
}

/**
 * Wraps any core `EmbeddingModel` for indexing: batches to the model's limit, retries each
 * failed batch through core's `retry` middleware (retry-after, backoff, events), checks every
 * returned vector (count, dimensions, finite values) and caches vectors by content hash + model.
 */
export function createEmbedder(model: EmbeddingModel, options: EmbedderOptions = {}): Embedder {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? model.maxBatchSize, model.maxBatchSize));
  const caller =
    options.retry === false ? embeddingAsModel(model) : retry(options.retry ?? {})(embeddingAsModel(model));
  const modelKey = `${model.provider}/${model.id}${model.dimensions ? `/${model.dimensions}` : ""}`;
  let dimensions = model.dimensions;

  async function embedBatch(texts: string[], call?: CallOptions): Promise<Float32Array[]> {
    let response: ModelResponse;
    try {
      response = await caller.generate(
        { messages: texts.map((content) => ({ role: "user", content })) },
        call,
      );
    } catch (error) {
      if (isKeelError(error)) throw error;
      throw new KeelError(`${modelKey}: embedding failed: ${(error as Error)?.message ?? String(error)}`, {
        provider: model.provider,
        cause: error,
      });
    }
    const embeddings = (response.raw as { embeddings?: unknown })?.embeddings;
    if (!Array.isArray(embeddings) || embeddings.length !== texts.length)
      throw new OutputParseError(
        `${modelKey}: asked for ${texts.length} embeddings, got ${Array.isArray(embeddings) ? embeddings.length : "none"}`,
        { provider: model.provider },
      );
    return embeddings.map((e: unknown, i) => {
      if (!Array.isArray(e) && !(e instanceof Float32Array))
        throw new OutputParseError(`${modelKey}: embedding ${i} is not an array`, {
          provider: model.provider,
        });
      const v = Float32Array.from(e as ArrayLike<number>);
      dimensions ??= v.length;
      if (v.length !== dimensions)
        throw new OutputParseError(
          `${modelKey}: embedding ${i} has ${v.length} dimensions, expected ${dimensions}`,
          {
            provider: model.provider,
          },
        );
      if (!v.every(Number.isFinite))
        throw new OutputParseError(`${modelKey}: embedding ${i} has a non-finite value`, {
          provider: model.provider,
        });
      return v;
    });
  }

  return {
    model,
    modelKey,
    async embed(texts, call) {
      const out = new Array<Float32Array | undefined>(texts.length);
      const keys = options.cache ? texts.map((t) => contentHash(modelKey, t)) : [];
      const missing: number[] = [];
      for (let i = 0; i < texts.length; i++) {
        const hit = options.cache ? await options.cache.get(keys[i]!) : undefined;
        if (hit) out[i] = hit;
        else missing.push(i);
      }
      for (let b = 0; b < missing.length; b += batchSize) {
        const idx = missing.slice(b, b + batchSize);
        const vectors = await embedBatch(
          idx.map((i) => texts[i]!),
          call,
        );
        for (let j = 0; j < idx.length; j++) {
          out[idx[j]!] = vectors[j]!;
          if (options.cache) await options.cache.set(keys[idx[j]!]!, vectors[j]!);
        }
      }
      return out as Float32Array[];
    },
  };
}
