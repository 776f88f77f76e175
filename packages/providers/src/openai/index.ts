export type { ChatBodyContext, ChatDialect } from "./chat-dialect.js";
export type { SystemMessageRole } from "./chat-messages.js";
export { isReasoningModel, type OpenAIChatSettings, openai, openaiCapabilities } from "./chat-model.js";
export {
  OPENAI_EMBEDDING_MAX_BATCH,
  type OpenAIEmbeddingSettings,
  openaiEmbedding,
} from "./embedding-model.js";
export { toOpenAIError } from "./errors.js";
export type { OpenAIReasoningMetadata, OpenAIToolCallMetadata } from "./responses-input.js";
export { type OpenAIResponsesSettings, openaiResponses } from "./responses-model.js";
export type { OpenAISettings } from "./settings.js";
