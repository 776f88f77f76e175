export type { ChatBodyContext, ChatDialect } from "../openai/chat-dialect.js";
export {
  looksLikeReasoningModel,
  type OpenAICompatibleConfig,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
  openaiCompatible,
} from "./openai-compatible.js";
export {
  deepseek,
  fireworks,
  groq,
  groqUsage,
  lmstudio,
  mistral,
  ollama,
  openrouter,
  sglang,
  tgi,
  together,
  vllm,
} from "./presets.js";
export type { OpenAICompatibleQuirks, UnsupportedOption } from "./quirks.js";
