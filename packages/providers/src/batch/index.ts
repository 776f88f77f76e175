export type { AnthropicSettings } from "../anthropic/settings.js";
export { anthropicBatch } from "./anthropic-batch.js";
export { type OpenAIBatchSettings, openaiBatch } from "./openai-batch.js";
export type {
  BatchClient,
  BatchHandle,
  BatchProgress,
  BatchRequest,
  BatchResult,
  SubmitOptions,
  WaitOptions,
} from "./types.js";
