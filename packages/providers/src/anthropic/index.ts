export { toAnthropicKeelError } from "./errors.js";
export { toFinishReason as toAnthropicFinishReason } from "./finish-reason.js";
export { anthropic } from "./model.js";
export { type AnthropicModelTraits, anthropicModelTraits } from "./model-traits.js";
export {
  type AnthropicRequestContext,
  type AnthropicRequestPlan,
  SAMPLING_REJECTED_FROM_VERSION,
  toAnthropicRequest,
} from "./request-body.js";
export type {
  AnthropicDroppableOption,
  AnthropicSettings,
  AnthropicStructuredOutputMode,
} from "./settings.js";
export { AnthropicStreamMapper, type AnthropicStreamMapperOptions } from "./stream-mapper.js";
export { JSON_TOOL_NAME } from "./structured-output.js";
export { EFFORT_BUDGET_TOKENS, EFFORT_LEVEL } from "./thinking.js";
export { toUsage as toAnthropicUsage } from "./usage.js";
