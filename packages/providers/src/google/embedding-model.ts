import type { EmbedContentRequest, TaskType } from "@google/generative-ai";
import {
  type CallOptions,
  type EmbeddingModel,
  type EmbeddingResult,
  ProviderUnavailableError,
} from "@keel/core";
import { abortReason, callSignal } from "@keel/core/provider";
import { toGoogleError } from "./errors.js";
import { type GoogleClientSettings, lazyGenerativeModel, requestHeaders } from "./google-client.js";

/** `batchEmbedContents` takes at most 100 requests. */
const MAX_BATCH_SIZE = 100;

export interface GoogleEmbeddingSettings extends GoogleClientSettings {
  /** What the vectors are for, e.g. "RETRIEVAL_DOCUMENT" or "RETRIEVAL_QUERY". */
  taskType?: `${TaskType}`;
  /** Truncates each vector to this many dimensions (models that support it, e.g. gemini-embedding-001). */
  outputDimensionality?: number;
}

/**
 * A Keel `EmbeddingModel` for a Gemini embedding model ("gemini-embedding-001", "text-embedding-004")
 * through `batchEmbedContents`, in batches of up to 100 sent one after another; vectors come back
 * in input order. The API reports no token usage for embeddings, so `usage` is absent.
 */
export function googleEmbedding(modelId: string, settings: GoogleEmbeddingSettings = {}): EmbeddingModel {
  const sdk = lazyGenerativeModel(modelId, settings);

  async function embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
    const embeddings: number[][] = [];
    if (texts.length === 0) return { embeddings };
    const { signal, dispose } = callSignal(options);
    try {
      for (let start = 0; start < texts.length; start += MAX_BATCH_SIZE) {
        if (signal.aborted) throw abortReason(signal);
        const batch = texts.slice(start, start + MAX_BATCH_SIZE);
        const response = await sdk().batchEmbedContents(
          { requests: batch.map((text) => embedRequest(text, settings)) },
          { signal, ...requestHeaders(settings, options?.headers) },
        );
        if (response.embeddings?.length !== batch.length) {
          throw new ProviderUnavailableError(
            `Gemini returned ${response.embeddings?.length ?? 0} embeddings for ${batch.length} texts`,
            { provider: "google", body: response },
          );
        }
        for (const embedding of response.embeddings) embeddings.push(embedding.values);
      }
      return { embeddings };
    } catch (error) {
      throw toGoogleError(error, signal);
    } finally {
      dispose();
    }
  }

  return {
    provider: "google",
    id: modelId,
    ...(settings.outputDimensionality !== undefined ? { dimensions: settings.outputDimensionality } : {}),
    maxBatchSize: MAX_BATCH_SIZE,
    embed,
  };
}

function embedRequest(text: string, settings: GoogleEmbeddingSettings): EmbedContentRequest {
  return {
    content: { role: "user", parts: [{ text }] },
    ...(settings.taskType !== undefined ? { taskType: settings.taskType as TaskType } : {}),
    // Not in the 0.24 SDK types; the SDK sends the request object as it is.
    ...(settings.outputDimensionality !== undefined
      ? { outputDimensionality: settings.outputDimensionality }
      : {}),
  } as EmbedContentRequest;
}
