import type { Route } from "./protocol-detect.js";
import type { RecordedRequest, ScriptedResponse } from "./types.js";

/** What answering one request needs besides the scripted response. */
export interface ResponseContext {
  request: RecordedRequest;
  route: Route;
  /** 1-based number of the request on this server; makes synthesized ids deterministic. */
  seq: number;
  fixturesDir: string | undefined;
  embeddingDimensions: number;
  /** Headers the protocol puts on every answer (request ids). */
  protocolHeaders: Record<string, string>;
  /** The server's default response for this request. */
  defaultResponse(): ScriptedResponse;
}

/** Request-id headers each protocol sends with every answer. */
export function protocolHeaders(route: Route, seq: number): Record<string, string> {
  const id = `req_keel${String(seq).padStart(8, "0")}`;
  if (route.protocol === "anthropic") return { "request-id": id };
  if (route.protocol === "openai") return { "x-request-id": id };
  return {};
}
