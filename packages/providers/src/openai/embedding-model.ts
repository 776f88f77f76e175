import { type CallOptions, type EmbeddingModel, type EmbeddingResult, OutputParseError } from "@keel/core";
import { callSignal } from "@keel/core/provider";
import type { CreateEmbeddingResponse } from "openai/resources/embeddings";
import { preview } from "./chat-stream-mapper.js";
import { PROVIDER, toOpenAIError } from "./errors.js";
import { lazyClient, type OpenAISettings } from "./settings.js";
import { requestOptions } from "./transport.js";

/** OpenAI accepts at most this many inputs in one embeddings request. */
export const OPENAI_EMBEDDING_MAX_BATCH = 2048;

/** Settings for an OpenAI embedding model. */
export interface OpenAIEmbeddingSettings extends OpenAISettings {
  /** Shorter vectors (text-embedding-3 models); sent as `dimensions`. */
  dimensions?: number;
  /** Inputs per request, at most 2048 (the default). */
  maxBatchSize?: number;
}

/**
 * An OpenAI embedding model (`POST /embeddings`). `embed` splits the texts into batches of at
 * most `maxBatchSize`, sends them one after another, and returns the vectors in input order.
 */
export function openaiEmbedding(modelId: string, settings: OpenAIEmbeddingSettings = {}): EmbeddingModel {
  const client = lazyClient(settings);
  const maxBatchSize = Math.min(
    settings.maxBatchSize ?? OPENAI_EMBEDDING_MAX_BATCH,
    OPENAI_EMBEDDING_MAX_BATCH,
  );
  return {
    provider: PROVIDER,
    id: modelId,
    ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}),
    maxBatchSize,
    async embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
      const embeddings: number[][] = [];
      let inputTokens = 0;
      let sawUsage = false;
      const { signal, dispose } = callSignal(options);
      try {
        for (let start = 0; start < texts.length; start += maxBatchSize) {
          const batch = texts.slice(start, start + maxBatchSize);
          const response = await client().embeddings.create(
            {
              model: modelId,
              input: batch,
              ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}),
            },
            requestOptions(signal, options),
          );
          embeddings.push(...inOrder(response, batch.length));
          if (response.usage) {
            sawUsage = true;
            inputTokens += response.usage.prompt_tokens;
          }
        }
      } catch (error) {
        throw toOpenAIError(error, signal);
      } finally {
        dispose();
      }
      return { embeddings, ...(sawUsage ? { usage: { inputTokens } } : {}) };
    },
  };
}

/** The batch's vectors ordered by their `index`, checked to be one per input. */
function inOrder(response: CreateEmbeddingResponse, count: number): number[][] {
  if (!response || !Array.isArray(response.data))
    throw new OutputParseError(
      `OpenAI answered with something that is not an embedding list: ${preview(response)}`,
      {
        provider: PROVIDER,
      },
    );
  const out = new Array<number[] | undefined>(count);
  for (const item of response.data) out[item.index] = Array.from(item.embedding);
  if (response.data.length !== count || out.some((v) => v === undefined))
    throw new OutputParseError(`OpenAI returned ${response.data.length} embeddings for ${count} inputs`, {
      provider: PROVIDER,
      body: response,
    });
  return out as number[][];
}
