export type { LlamaCppChatWrapperOption } from "./chat-wrapper.js";
export { defaultThreadCount } from "./default-threads.js";
export {
  type LlamaCppEmbeddingModel,
  type LlamaCppEmbeddingSettings,
  llamaCppEmbedding,
} from "./embedding-model.js";
export type { LlamaLoadSettings } from "./loaded-model.js";
export {
  type LlamaCppModel,
  type LlamaCppModelInfo,
  type LlamaCppSettings,
  llamaCpp,
} from "./model.js";
export type {
  LlamaChatWrapper,
  LlamaContextExtraOptions,
  LlamaContextSize,
  LlamaGbnfSchema,
  LlamaGpu,
  LlamaInstance,
  LlamaLogLevelName,
  LlamaModelLoadOptions,
} from "./public-types.js";
export { toGbnfSchema } from "./to-gbnf-schema.js";
