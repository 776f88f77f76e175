export type { GoogleClientSettings } from "./google-client.js";
export { type GoogleEmbeddingSettings, googleEmbedding } from "./google-embedding.js";
export { type GoogleSettings, google } from "./google-model.js";
export { THINKING_BUDGETS, toGeminiRequest } from "./to-gemini-request.js";
export { toGeminiSchema } from "./to-gemini-schema.js";
export { toGoogleError } from "./to-google-error.js";
export type * from "./wire-types.js";
