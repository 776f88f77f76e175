/** What the adapter needs to know about a Claude model family to build a valid request. */
export interface AnthropicModelTraits {
  /** `max_tokens` sent when neither the request nor the settings give one (Anthropic requires it). */
  defaultMaxTokens: number;
  /** Extended thinking exists (Claude 3.7 and later). */
  thinking: boolean;
  /** Takes `thinking: {type: "adaptive"}` with `output_config.effort` (Claude 4.6 and later). */
  adaptiveThinking: boolean;
  /** Native JSON-schema output through `output_config.format` (Claude 4.5 and later). */
  nativeStructuredOutput: boolean;
}

// Current naming: claude-sonnet-4-5-20250929, claude-opus-4-1@20250805, anthropic.claude-haiku-4-5-v1:0.
// A minor version has one or two digits; a date suffix has eight, so it is never read as one.
const CURRENT_NAMING = /claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d{1,2})(?!\d))?/;
// Older naming: claude-3-7-sonnet-20250219, claude-3-opus-20240229.
const OLDER_NAMING = /claude-(\d+)(?:-(\d{1,2}))?-(?:opus|sonnet|haiku)/;

/** The model version as a number (3.7, 4.5, ...); unknown ids count as the newest. */
export function anthropicModelVersion(modelId: string): number {
  const m = CURRENT_NAMING.exec(modelId) ?? OLDER_NAMING.exec(modelId);
  if (!m) return Number.POSITIVE_INFINITY;
  return Number(m[1]) + Number(m[2] ?? 0) / 10;
}

/** The request-shaping traits of a Claude model, read from its id; unknown ids get the newest family's. */
export function anthropicModelTraits(modelId: string): AnthropicModelTraits {
  const version = anthropicModelVersion(modelId);
  return {
    defaultMaxTokens: version < 3.5 ? 4096 : 8192,
    thinking: version >= 3.7,
    adaptiveThinking: version >= 4.6,
    nativeStructuredOutput: version >= 4.5,
  };
}
