import type { WireProtocol } from "./types.js";

/** Which API operation a request addresses. */
export type Endpoint =
  | "chat-completions"
  | "responses"
  | "openai-embeddings"
  | "messages"
  | "anthropic-count-tokens"
  | "generate-content"
  | "stream-generate-content"
  | "embed-content"
  | "batch-embed-contents"
  | "count-tokens"
  | "unknown";

/** A request's protocol, operation, stream flag and the model it names. */
export interface Route {
  protocol: WireProtocol;
  endpoint: Endpoint;
  stream: boolean;
  /** Model named by the request (body.model, or the Gemini path segment). */
  model: string | undefined;
  /** Gemini streamGenerateContent without `alt=sse` answers with one JSON array, not SSE. */
  jsonArrayStream: boolean;
}

const GEMINI_PATH =
  /^\/v1(?:beta|alpha)?\/(?:models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens)$/;

const GEMINI_ENDPOINTS: Record<string, Endpoint> = {
  generateContent: "generate-content",
  streamGenerateContent: "stream-generate-content",
  embedContent: "embed-content",
  batchEmbedContents: "batch-embed-contents",
  countTokens: "count-tokens",
};

/** Recognises the protocol and operation of a request from its path (and body for the stream flag). */
export function detectRoute(path: string, query: Record<string, string>, body: unknown): Route {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const bodyModel = typeof fields.model === "string" ? fields.model : undefined;
  const bodyStream = fields.stream === true;
  const route = (protocol: WireProtocol, endpoint: Endpoint, stream: boolean, model = bodyModel): Route => ({
    protocol,
    endpoint,
    stream,
    model,
    jsonArrayStream: false,
  });

  // OpenAI paths are matched by suffix so OpenAI-compatible clients configured without "/v1" work too.
  if (/(?:^|\/)chat\/completions$/.test(path)) return route("openai", "chat-completions", bodyStream);
  if (/(?:^|\/)responses$/.test(path)) return route("openai", "responses", bodyStream);
  if (/(?:^|\/)embeddings$/.test(path)) return route("openai", "openai-embeddings", false);
  if (path === "/v1/messages") return route("anthropic", "messages", bodyStream);
  if (path === "/v1/messages/count_tokens") return route("anthropic", "anthropic-count-tokens", false);

  const gemini = GEMINI_PATH.exec(path);
  if (gemini) {
    const endpoint = GEMINI_ENDPOINTS[gemini[2]!]!;
    const stream = endpoint === "stream-generate-content";
    return {
      protocol: "gemini",
      endpoint,
      stream,
      model: decodeURIComponent(gemini[1]!),
      jsonArrayStream: stream && query.alt !== "sse",
    };
  }
  return route("unknown", "unknown", bodyStream);
}
