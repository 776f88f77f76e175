import type { Answer } from "./answer.js";
import { geminiBatchEmbedContents, geminiEmbedContent, openaiEmbeddings } from "./embeddings.js";
import { type ErrorReply, faultError } from "./error-bodies.js";
import type { Route } from "./protocol-detect.js";
import {
  anthropicMalformedFrame,
  anthropicStreamErrorFrames,
  synthesizeAnthropic,
} from "./synthesize-anthropic.js";
import {
  geminiCountTokens,
  geminiMalformedFrame,
  geminiStreamErrorFrames,
  synthesizeGemini,
} from "./synthesize-gemini.js";
import { openaiMalformedFrame, openaiStreamErrorFrames, synthesizeOpenAIChat } from "./synthesize-openai.js";
import {
  responsesMalformedFrame,
  responsesStreamErrorFrames,
  synthesizeOpenAIResponses,
} from "./synthesize-openai-responses.js";
import type { Synthesized } from "./synthesized.js";

/** A valid answer for the route's operation: chat text / tool calls, embeddings or token counts. */
export function synthesize(
  route: Route,
  answer: Answer,
  stream: boolean,
  embeddingDimensions: number,
): Synthesized {
  const json = (body: unknown): Synthesized => ({ kind: "json", body });
  switch (route.endpoint) {
    case "responses":
      return synthesizeOpenAIResponses(answer, stream);
    case "openai-embeddings":
      return json(openaiEmbeddings(answer.body, embeddingDimensions, answer.model));
    case "messages":
      return synthesizeAnthropic(answer, stream);
    case "anthropic-count-tokens":
      return json({ input_tokens: answer.usage.input });
    case "generate-content":
    case "stream-generate-content":
      return synthesizeGemini(answer, stream, route.jsonArrayStream);
    case "embed-content":
      return json(geminiEmbedContent(answer.body, embeddingDimensions));
    case "batch-embed-contents":
      return json(geminiBatchEmbedContents(answer.body, embeddingDimensions));
    case "count-tokens":
      return json(geminiCountTokens(answer));
    default:
      return synthesizeOpenAIChat(answer, stream);
  }
}

/** The events a protocol sends when it fails mid-stream (after which the connection closes). */
export function streamErrorFrames(route: Route, answer: Answer, sentFrames: number): string[] {
  if (route.endpoint === "responses") return responsesStreamErrorFrames(answer, sentFrames);
  if (route.protocol === "anthropic") return anthropicStreamErrorFrames();
  if (route.protocol === "gemini") return geminiStreamErrorFrames();
  return openaiStreamErrorFrames();
}

/** The HTTP error a non-streamed call gets where a stream would carry an in-stream error. */
export function streamErrorAsHttp(route: Route): ErrorReply {
  return faultError(route.protocol, route.protocol === "anthropic" ? "overloaded" : "server-error");
}

/** A correctly framed event with unparseable JSON data, in the protocol's framing. */
export function malformedFrame(route: Route, answer: Answer): string {
  if (route.endpoint === "responses") return responsesMalformedFrame();
  if (route.protocol === "anthropic") return anthropicMalformedFrame();
  if (route.protocol === "gemini") return geminiMalformedFrame();
  return openaiMalformedFrame(answer);
}
