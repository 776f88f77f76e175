// The Google Generative AI SDK's runtime values, imported once when @keel/providers/google loads.
// The SDK is an optional peer dependency: without it, importing the entry fails with a
// ProviderUnavailableError that names the package and its install command, never a bare
// ERR_MODULE_NOT_FOUND. It is loaded with the entry, not on first call, because the factories
// build their client synchronously; the import costs what a static import costs.
import type * as GoogleModule from "@google/generative-ai";
import { optionalPeer } from "@keel/core/provider";

const sdk = await optionalPeer(
  "@google/generative-ai",
  "@keel/providers/google",
  () => import("@google/generative-ai"),
).load();

// Only values here: a declaration that names the client type imports it from the SDK itself, so the
// published declarations point at the SDK, not at a private alias in a shared chunk.
export const GoogleGenerativeAI = sdk.GoogleGenerativeAI;
export const GoogleGenerativeAIError = sdk.GoogleGenerativeAIError;
export type GoogleGenerativeAIError = GoogleModule.GoogleGenerativeAIError;
export const GoogleGenerativeAIAbortError = sdk.GoogleGenerativeAIAbortError;
export type GoogleGenerativeAIAbortError = GoogleModule.GoogleGenerativeAIAbortError;
export const GoogleGenerativeAIFetchError = sdk.GoogleGenerativeAIFetchError;
export type GoogleGenerativeAIFetchError = GoogleModule.GoogleGenerativeAIFetchError;
export const GoogleGenerativeAIRequestInputError = sdk.GoogleGenerativeAIRequestInputError;
export type GoogleGenerativeAIRequestInputError = GoogleModule.GoogleGenerativeAIRequestInputError;
