export { type GoogleEmbeddingSettings, googleEmbedding } from "./embedding-model.js";
export { toGoogleError } from "./errors.js";
export type { GoogleClientSettings } from "./google-client.js";
export { type GoogleSettings, google } from "./model.js";
export { THINKING_BUDGETS, toGeminiRequest } from "./request-body.js";
export { toGeminiSchema } from "./to-gemini-schema.js";
export type * from "./wire-types.js";
