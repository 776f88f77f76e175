// The OpenAI SDK's runtime values, imported once when an entry that needs them loads
// (@keel/providers/openai, /openai-compatible, /batch). The SDK is an optional peer dependency:
// without it, importing such an entry fails with a ProviderUnavailableError that names the package
// and its install command, never a bare ERR_MODULE_NOT_FOUND. It is loaded with the entry, not on
// first call, because the factories build their client synchronously; the import costs what a
// static `import "openai"` costs.
import { optionalPeer } from "@keel/core/provider";
import type * as OpenAIModule from "openai";

const sdk = await optionalPeer(
  "openai",
  "@keel/providers/openai (and /openai-compatible, /batch)",
  () => import("openai"),
).load();

// Only values here: a declaration that names the client type imports it from the SDK itself, so the
// published declarations point at the SDK, not at a private alias in a shared chunk.
export const OpenAI = sdk.OpenAI;
export const OpenAIError = sdk.OpenAIError;
export type OpenAIError = OpenAIModule.OpenAIError;
export const APIError = sdk.APIError;
export type APIError = OpenAIModule.APIError;
export const APIConnectionError = sdk.APIConnectionError;
export type APIConnectionError = OpenAIModule.APIConnectionError;
export const APIConnectionTimeoutError = sdk.APIConnectionTimeoutError;
export type APIConnectionTimeoutError = OpenAIModule.APIConnectionTimeoutError;
export const APIUserAbortError = sdk.APIUserAbortError;
export type APIUserAbortError = OpenAIModule.APIUserAbortError;
export const toFile = sdk.toFile;
