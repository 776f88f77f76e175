// The Anthropic SDK's runtime values, imported once when an entry that needs them loads
// (@keel/providers/anthropic, /batch). The SDK is an optional peer dependency: without it,
// importing such an entry fails with a ProviderUnavailableError that names the package and its
// install command, never a bare ERR_MODULE_NOT_FOUND. It is loaded with the entry, not on first
// call, because the factories build their client synchronously; the import costs what a static
// `import "@anthropic-ai/sdk"` costs.
import type * as AnthropicModule from "@anthropic-ai/sdk";
import { optionalPeer } from "@keel/core/provider";

const sdk = await optionalPeer(
  "@anthropic-ai/sdk",
  "@keel/providers/anthropic (and /batch)",
  () => import("@anthropic-ai/sdk"),
).load();

// Only values here: a declaration that names the client type imports it from the SDK itself, so the
// published declarations point at the SDK, not at a private alias in a shared chunk.
export const Anthropic = sdk.default;
export const APIError = sdk.APIError;
export type APIError = AnthropicModule.APIError;
