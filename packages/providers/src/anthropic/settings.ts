import type Anthropic from "@anthropic-ai/sdk";

/** Request options Anthropic does not have (or no longer accepts) that a caller may ask to have left out. */
export type AnthropicDroppableOption =
  | "temperature"
  | "topP"
  | "topK"
  | "seed"
  | "frequencyPenalty"
  | "presencePenalty"
  | "logprobs"
  | "reasoning";

/** How a `responseFormat: {type: "json", schema}` request is sent. */
export type AnthropicStructuredOutputMode = "native" | "tool";

export interface AnthropicSettings {
  /** API key; `ANTHROPIC_API_KEY` when omitted (read at the first call; without either, each call fails with `AuthenticationError`). Not allowed with `client`. */
  apiKey?: string;
  /** API base URL, e.g. a proxy or the Keel test server. Not allowed with `client`. */
  baseURL?: string;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** A prebuilt SDK client. Keel still sends every request with `maxRetries: 0`. */
  client?: Anthropic;
  /** A custom `fetch`. Not allowed with `client`. */
  fetch?: typeof globalThis.fetch;
  /** `max_tokens` when the request sets no `maxOutputTokens`; defaults by model family. */
  defaultMaxTokens?: number;
  /**
   * The `anthropic-version` header. Defaults to the SDK's (2026-10-21), which rejects
   * `temperature`, `top_p` and `top_k`; set "2023-06-01" to send sampling parameters.
   */
  apiVersion?: string;
  /**
   * JSON-schema output through `output_config.format` ("native", Claude 4.5 and later) or
   * through a forced tool whose input is returned as the text ("tool", every model).
   * Defaults by model family.
   */
  structuredOutput?: AnthropicStructuredOutputMode;
  /**
   * Options to leave out of the request instead of failing with an `InvalidRequestError`
   * when this model or API version cannot take them.
   */
  dropUnsupported?: readonly AnthropicDroppableOption[];
  /** Per-attempt HTTP timeout of a client built here, in ms (default 600 000). Keel deadlines still apply. */
  timeoutMs?: number;
}
