import {
  AbortedError,
  type CallOptions,
  ContextLengthExceededError,
  InvalidRequestError,
  type Model,
  type ModelCapabilities,
  type ModelRequest,
  type ModelResponse,
  type ModelStream,
  ProviderUnavailableError,
  type StreamEvent,
  validateRequest,
} from "@keel/core";
import { createModelStream, observeModel, Semaphore } from "@keel/core/provider";
import type {
  ChatWrapper,
  LlamaChat,
  LlamaContext,
  LlamaContextOptions,
  LlamaContextSequence,
  Token,
} from "node-llama-cpp";
import { type LlamaCppChatWrapperOption, resolveLlamaChatWrapper } from "./chat-wrapper.js";
import { defaultThreadCount } from "./default-threads.js";
import { toGenerationError } from "./errors.js";
import { EventChannel } from "./event-channel.js";
import { GrammarCache } from "./grammar-cache.js";
import { LazyResource, type LlamaLoadSettings, type LoadedModel, loadModel } from "./loaded-model.js";
import { modelIdFromPath, resolveModelPath } from "./model-file.js";
import type { LlamaContextExtraOptions, LlamaGpu } from "./public-types.js";
import { type ChatGenerationOptions, type GenerationPlan, planGeneration } from "./request-plan.js";
import { ChatEventMapper } from "./stream-mapper.js";

const PROVIDER = "llama-cpp";

export interface LlamaCppSettings extends LlamaLoadSettings {
  /** Path of the GGUF file, absolute or relative to the working directory. */
  modelPath: string;
  /** The model id Keel reports; defaults to the file name without `.gguf`. */
  id?: string;
  /** Threads per evaluation. Default: one less than the CPUs, at most llama.cpp's math cores, at least 1. */
  threads?: number;
  /** Tokens each call's context sequence holds (prompt + answer). Default `{ max: 8192 }`: as many as fit in memory, up to 8192 and the trained size. */
  contextSize?: number | "auto" | { min?: number; max?: number };
  /** Calls that run at once, each on its own context sequence; more calls wait in line. Default 1. */
  concurrency?: number;
  /** How prompts are laid out; default `"auto"` (the GGUF file's template). */
  chatWrapper?: LlamaCppChatWrapperOption;
  /** Passed to `model.createContext` (e.g. `flashAttention`, `batchSize`, `lora`). */
  contextOptions?: LlamaContextExtraOptions;
  /** Overrides the capabilities Keel assumes (e.g. `reasoning: true` for a model that thinks). */
  capabilities?: Partial<ModelCapabilities>;
}

/** What `load()` loaded. */
export interface LlamaCppModelInfo {
  modelPath: string;
  /** node-llama-cpp's name for the chat wrapper in use, e.g. "Llama2Chat", "JinjaTemplate", "Raw". */
  chatWrapper: string;
  /** Tokens one context sequence holds. */
  contextSize: number;
  trainContextSize: number;
  threads: number;
  concurrency: number;
  gpu: LlamaGpu;
  gpuLayers: number;
}

/** A GGUF model run in-process by llama.cpp, as a Keel `Model` with tokenizer access. */
export interface LlamaCppModel extends Model {
  /** Loads the model now (otherwise the first call does) and says what was loaded. */
  load(): Promise<LlamaCppModelInfo>;
  /**
   * The model's tokens for `text`. With `trimLeadingSpace`, text is tokenized as a continuation
   * (no leading-space marker), which is how a chat template tokenizes message text.
   */
  tokenize(text: string, options?: { trimLeadingSpace?: boolean }): Promise<number[]>;
  /** The text of `tokens`. */
  detokenize(tokens: readonly number[]): Promise<string>;
  /** The prompt tokens `request` takes with this model's chat template; what `usage.inputTokens` reports. */
  countTokens(request: ModelRequest): Promise<number>;
  /** Frees the model, its context and native memory; later calls fail with `InvalidRequestError`. */
  dispose(): Promise<void>;
}

interface ChatRuntime {
  loaded: LoadedModel;
  context: LlamaContext;
  wrapper: ChatWrapper;
  /** A context has a fixed number of sequences; calls beyond it wait in line instead of failing. */
  slots: Semaphore;
  grammars: GrammarCache;
  info: LlamaCppModelInfo;
}

/**
 * A Keel `Model` for a local GGUF file through node-llama-cpp (an optional peer dependency,
 * imported on first use). The model loads lazily and is shared by all calls; each call runs on
 * its own context sequence, released afterwards. Aborting the call's signal or passing its
 * deadline stops generation at the next token.
 */
export function llamaCpp(settings: LlamaCppSettings): LlamaCppModel {
  const modelPath = resolveModelPath(settings.modelPath);
  checkSettings(settings);
  const id = settings.id ?? modelIdFromPath(modelPath);
  const concurrency = settings.concurrency ?? 1;
  const capabilities: ModelCapabilities = {
    streaming: true,
    tools: true,
    jsonSchema: true,
    vision: false,
    reasoning: false,
    ...(typeof settings.contextSize === "number" ? { contextWindow: settings.contextSize } : {}),
    ...settings.capabilities,
  };
  const runtime = new LazyResource<ChatRuntime>("this llama-cpp model", async () => {
    const loaded = await loadModel(modelPath, settings);
    try {
      return await startChatRuntime(loaded, settings, modelPath, concurrency);
    } catch (error) {
      await loaded.unload();
      throw error;
    }
  });

  function stream(request: ModelRequest, options?: CallOptions): ModelStream {
    async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
      validateRequest(request, PROVIDER);
      const state = await runtime.get();
      yield* generateOnSequence(state, await planFor(request, state), signal);
    }
    return createModelStream(produce, { provider: PROVIDER, model: id, ...(options ? { options } : {}) });
  }

  // Each call emits model.call.* events; extras below are not calls and stay unobserved.
  const observed = observeModel({
    provider: PROVIDER,
    id,
    capabilities,
    generate: (request, options): Promise<ModelResponse> => stream(request, options).response,
    stream,
  });
  return {
    ...observed,
    load: async () => (await runtime.get()).info,
    async tokenize(text, options) {
      const { model } = (await runtime.get()).loaded;
      return model.tokenize(text, false, options?.trimLeadingSpace ? "trimLeadingSpace" : undefined);
    },
    async detokenize(tokens) {
      const { model } = (await runtime.get()).loaded;
      return model.detokenize(tokens as Token[]);
    },
    async countTokens(request) {
      return (await planFor(request, await runtime.get())).promptTokens;
    },
    async dispose() {
      const state = await runtime.dispose();
      if (!state) return;
      await state.context.dispose();
      await state.loaded.unload();
    },
  };
}

async function startChatRuntime(
  loaded: LoadedModel,
  settings: LlamaCppSettings,
  modelPath: string,
  concurrency: number,
): Promise<ChatRuntime> {
  const { lib, llama, model } = loaded;
  const threads = settings.threads ?? defaultThreadCount(llama.cpuMathCores);
  let context: LlamaContext;
  try {
    context = await model.createContext({
      ...(settings.contextOptions as Omit<LlamaContextOptions, "contextSize" | "sequences" | "threads">),
      contextSize: settings.contextSize ?? { max: 8192 },
      sequences: concurrency,
      threads,
    });
  } catch (error) {
    throw new ProviderUnavailableError(
      `llama-cpp: cannot create a context for ${modelPath}: ${String(error)}`,
      {
        provider: PROVIDER,
        cause: error,
        retryable: false,
      },
    );
  }
  const wrapper = resolveLlamaChatWrapper(lib, model, settings.chatWrapper);
  return {
    loaded,
    context,
    wrapper,
    slots: new Semaphore(concurrency),
    grammars: new GrammarCache(llama),
    info: {
      modelPath,
      chatWrapper: wrapper.wrapperName,
      contextSize: context.contextSize,
      trainContextSize: model.trainContextSize,
      threads,
      concurrency,
      gpu: llama.gpu,
      gpuLayers: model.gpuLayers,
    },
  };
}

function planFor(request: ModelRequest, state: ChatRuntime): Promise<GenerationPlan> {
  return planGeneration(request, {
    model: state.loaded.model,
    wrapper: state.wrapper,
    contextSize: state.info.contextSize,
    grammars: state.grammars,
  });
}

/**
 * Runs one generation on a context sequence of its own, streaming its events. The sequence is
 * taken in turn (waiting is abortable) and always given back, also when the consumer stops early.
 */
async function* generateOnSequence(
  state: ChatRuntime,
  plan: GenerationPlan,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const { lib } = state.loaded;
  const release = await state.slots.acquire(signal);
  // Fired when the consumer leaves early or llama.cpp would have to shift the context.
  const stop = new AbortController();
  const generationSignal = AbortSignal.any([signal, stop.signal]);
  let sequence: LlamaContextSequence | undefined;
  let chat: LlamaChat | undefined;
  let generation: Promise<void> | undefined;
  try {
    const channel = new EventChannel<StreamEvent>();
    const events = new ChatEventMapper((event) => channel.push(event));
    const running = state.context.getSequence();
    sequence = running;
    chat = new lib.LlamaChat({ contextSequence: running, chatWrapper: state.wrapper });
    const options = {
      ...plan.options,
      signal: generationSignal,
      onResponseChunk: (chunk) => events.chunk(chunk),
      onFunctionCallParamsChunk: (chunk) => events.paramsChunk(chunk),
      contextShift: {
        // Never reached while maxTokens fits the context; a safety net against silent truncation.
        strategy: ({ chatHistory }) => {
          stop.abort(
            new ContextLengthExceededError("llama-cpp: the answer outgrew the context sequence", {
              provider: PROVIDER,
            }),
          );
          return { chatHistory: [...chatHistory] };
        },
      },
      // The type keeps `grammar` and function callbacks apart; node-llama-cpp calls the latter only with functions.
    } as ChatGenerationOptions;
    generation = chat.generateResponse(plan.history, options).then(
      (result) => {
        const usage = { inputTokens: plan.promptTokens, outputTokens: running.tokenMeter.usedOutputTokens };
        events.finish(result, usage, { metadata: result.metadata, chatWrapper: state.wrapper.wrapperName });
        channel.close();
      },
      (error: unknown) => channel.fail(error),
    );
    yield* channel;
  } catch (error) {
    throw toGenerationError(lib, error, generationSignal);
  } finally {
    stop.abort(new AbortedError("the stream was closed before it ended"));
    try {
      await generation;
      chat?.dispose();
      await sequence?.dispose();
    } finally {
      release();
    }
  }
}

function checkSettings(settings: LlamaCppSettings): void {
  const positiveInteger = (name: string, value: unknown) => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
      throw new InvalidRequestError(
        `llama-cpp: \`${name}\` must be a positive integer, got ${String(value)}`,
        {
          provider: PROVIDER,
        },
      );
    }
  };
  positiveInteger("threads", settings.threads);
  positiveInteger("concurrency", settings.concurrency);
  if (typeof settings.contextSize === "number") positiveInteger("contextSize", settings.contextSize);
}
