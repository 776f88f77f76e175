// node-llama-cpp's types that the llama-cpp settings and results use, described structurally so
// that the published declarations of @keel/providers/llama-cpp need neither node-llama-cpp nor its
// types (it is an optional peer, and a 35 MB one). Its own values satisfy these as they are; the
// adapter hands them to node-llama-cpp unchanged. public-types.typecheck.ts pins that they still match
// (checked by tsc in `npm run typecheck`).

/** A GPU backend node-llama-cpp can use (its `LlamaGpuType`); `false` is CPU only. */
export type LlamaGpu = "metal" | "cuda" | "vulkan" | false;

/** node-llama-cpp's log levels (its `LlamaLogLevel` enum's values). */
export type LlamaLogLevelName = "disabled" | "fatal" | "error" | "warn" | "info" | "log" | "debug";

/** A `Llama` started with node-llama-cpp's `getLlama(...)` (the parts Keel uses). */
export interface LlamaInstance {
  /** The GPU backend in use, or `false`. */
  readonly gpu: LlamaGpu;
  loadModel(options: { modelPath: string }): Promise<unknown>;
}

/** A node-llama-cpp `ChatWrapper` of your own (an instance of a class extending it). */
export interface LlamaChatWrapper {
  readonly wrapperName: string;
  generateContextState(options: never): unknown;
}

/** Tokens a context may take: a number, `"auto"`, or bounds (node-llama-cpp's `contextSize` option). */
export type LlamaContextSize = number | "auto" | { min?: number; max?: number };

/**
 * Options passed to node-llama-cpp's `llama.loadModel` besides the path (its `LlamaModelOptions`),
 * e.g. `gpuLayers`, `useMmap`, `useMlock`; see node-llama-cpp's documentation for the rest.
 */
export interface LlamaModelLoadOptions {
  gpuLayers?:
    | number
    | "auto"
    | "max"
    | { min?: number; max?: number; fitContext?: { contextSize?: number; embeddingContext?: boolean } };
  useMmap?: "auto" | boolean;
  useMlock?: boolean;
  [option: string]: unknown;
}

/**
 * Options passed to node-llama-cpp's `model.createContext` besides the size, sequences and threads
 * that Keel sets (its `LlamaContextOptions`), e.g. `flashAttention`, `batchSize`.
 */
export interface LlamaContextExtraOptions {
  flashAttention?: "auto" | boolean;
  batchSize?: number;
  [option: string]: unknown;
}

/** A JSON schema in the subset node-llama-cpp compiles to a grammar (its `GbnfJsonSchema`). */
export type LlamaGbnfSchema = { readonly [keyword: string]: unknown };
