/**
 * Keel provider ids mapped to the well-known `gen_ai.provider.name` values. Ids not listed
 * pass through unchanged, which the conventions allow for providers they do not name.
 */
const WELL_KNOWN: Record<string, string> = {
  openai: "openai",
  "openai-responses": "openai",
  anthropic: "anthropic",
  google: "gcp.gemini",
  gemini: "gcp.gemini",
  "google-vertex": "gcp.vertex_ai",
  vertex: "gcp.vertex_ai",
  azure: "azure.ai.openai",
  "azure-openai": "azure.ai.openai",
  bedrock: "aws.bedrock",
  "amazon-bedrock": "aws.bedrock",
  cohere: "cohere",
  deepseek: "deepseek",
  groq: "groq",
  mistral: "mistral_ai",
  perplexity: "perplexity",
  xai: "x_ai",
  "ibm-watsonx": "ibm.watsonx.ai",
};

/** The `gen_ai.provider.name` for a Keel provider id; `extra` entries win over the built-in ones. */
export function genAiProviderName(provider: string, extra?: Record<string, string>): string {
  return extra?.[provider] ?? WELL_KNOWN[provider] ?? provider;
}
