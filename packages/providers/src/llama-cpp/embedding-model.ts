import {
  type CallOptions,
  ContextLengthExceededError,
  type EmbeddingModel,
  type EmbeddingResult,
  InvalidRequestError,
  isKeelError,
  ProviderUnavailableError,
} from "@keel/core";
import { abortReason, callSignal } from "@keel/core/provider";
import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { defaultThreadCount } from "./default-threads.js";
import { LazyResource, type LlamaLoadSettings, type LoadedModel, loadModel } from "./loaded-model.js";
import { modelIdFromPath, resolveModelPath } from "./model-file.js";
import type { LlamaContextSize } from "./public-types.js";

const PROVIDER = "llama-cpp";

export interface LlamaCppEmbeddingSettings extends LlamaLoadSettings {
  /** Path of the GGUF file, absolute or relative to the working directory. */
  modelPath: string;
  /** The model id Keel reports; defaults to the file name without `.gguf`. */
  id?: string;
  /** Threads per evaluation; the same default as `llamaCpp`. */
  threads?: number;
  /** Tokens one text may take. Default `{ max: 8192 }`: as many as fit, up to 8192 and the trained size. */
  contextSize?: LlamaContextSize;
  /** The batch size Keel callers split input into. Default 32. */
  maxBatchSize?: number;
}

/** A GGUF embedding model run in-process by llama.cpp. */
export interface LlamaCppEmbeddingModel extends EmbeddingModel {
  /** Loads the model now (otherwise the first call does); resolves with the vector size. */
  load(): Promise<{ dimensions: number }>;
  /** Frees the model and native memory; later calls fail with `InvalidRequestError`. */
  dispose(): Promise<void>;
}

interface EmbeddingRuntime {
  loaded: LoadedModel;
  context: LlamaEmbeddingContext;
}

/**
 * A Keel `EmbeddingModel` for a local GGUF file through node-llama-cpp's embedding context. Texts
 * are embedded one after another (llama.cpp evaluates one sequence per embedding context), so
 * vectors come back in input order; the call's signal is checked between texts. Vectors are the
 * model's raw output, not normalized. `usage.inputTokens` counts the tokens evaluated.
 */
export function llamaCppEmbedding(settings: LlamaCppEmbeddingSettings): LlamaCppEmbeddingModel {
  const modelPath = resolveModelPath(settings.modelPath);
  const maxBatchSize = settings.maxBatchSize ?? 32;
  for (const [name, value] of [
    ["threads", settings.threads],
    ["maxBatchSize", maxBatchSize],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new InvalidRequestError(
        `llama-cpp: \`${name}\` must be a positive integer, got ${String(value)}`,
        {
          provider: PROVIDER,
        },
      );
    }
  }
  let dimensions: number | undefined;
  const runtime = new LazyResource<EmbeddingRuntime>("this llama-cpp embedding model", async () => {
    const loaded = await loadModel(modelPath, settings);
    try {
      const context = await loaded.model.createEmbeddingContext({
        contextSize: settings.contextSize ?? { max: 8192 },
        threads: settings.threads ?? defaultThreadCount(loaded.llama.cpuMathCores),
      });
      dimensions = loaded.model.embeddingVectorSize;
      return { loaded, context };
    } catch (error) {
      await loaded.unload();
      throw new ProviderUnavailableError(
        `llama-cpp: cannot create an embedding context for ${modelPath}: ${String(error)}`,
        { provider: PROVIDER, cause: error, retryable: false },
      );
    }
  });

  async function embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
    texts.forEach((text, index) => {
      if (typeof text !== "string" || text === "") {
        throw new InvalidRequestError(`llama-cpp: texts[${index}] is empty; an empty text has no embedding`, {
          provider: PROVIDER,
        });
      }
    });
    if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
    const { signal, dispose } = callSignal(options);
    try {
      if (signal.aborted) throw abortReason(signal);
      const { context } = await runtime.get();
      const embeddings: number[][] = [];
      let inputTokens = 0;
      for (const [index, text] of texts.entries()) {
        if (signal.aborted) throw abortReason(signal);
        inputTokens += context.calculateInputLength(text);
        embeddings.push([...(await embedOne(context, text, index)).vector]);
      }
      return { embeddings, usage: { inputTokens } };
    } finally {
      dispose();
    }
  }

  return {
    provider: PROVIDER,
    id: settings.id ?? modelIdFromPath(modelPath),
    get dimensions() {
      return dimensions;
    },
    maxBatchSize,
    embed,
    async load() {
      await runtime.get();
      return { dimensions: dimensions! };
    },
    async dispose() {
      const state = await runtime.dispose();
      if (!state) return;
      await state.context.dispose();
      await state.loaded.unload();
    },
  };
}

async function embedOne(context: LlamaEmbeddingContext, text: string, index: number) {
  try {
    return await context.getEmbeddingFor(text);
  } catch (error) {
    if (isKeelError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // node-llama-cpp says so in a plain Error; the context size is fixed when it is created.
    if (/longer than the usable context size/i.test(message)) {
      throw new ContextLengthExceededError(
        `llama-cpp: texts[${index}] is longer than the embedding context`,
        {
          provider: PROVIDER,
          cause: error,
        },
      );
    }
    throw new ProviderUnavailableError(`llama-cpp: embedding texts[${index}] failed: ${message}`, {
      provider: PROVIDER,
      cause: error,
    });
  }
}
