import { type CallOptions, InvalidRequestError, OutputParseError } from "@keel/core";
import { SERVER_ROUTES, type ServerKind } from "../server-kinds.js";
import type { EndpointTarget } from "./endpoint-model.js";
import { postJson } from "./post-json.js";

/** A text's tokens as the server's own tokenizer counts them. */
export interface TokenizeResult {
  count: number;
  /** Token ids. */
  tokens: number[];
  /** The server's context length, where it says (vLLM, SGLang). */
  maxModelLen?: number;
  /** The endpoint that answered. */
  endpoint: string;
}

/**
 * The request body of each kind's native tokenize route: vLLM and SGLang `{model, prompt}`,
 * TGI `{inputs}`, llama.cpp `{content}` (its README, `POST /tokenize`).
 */
function tokenizeBody(kind: ServerKind, model: string, text: string): unknown {
  if (kind === "tgi") return { inputs: text };
  if (kind === "llamacpp") return { content: text };
  return { model, prompt: text };
}

/** One tokenize request to one server. */
export async function tokenizeOnce(
  target: EndpointTarget,
  text: string,
  options: CallOptions | undefined,
): Promise<TokenizeResult> {
  const route = SERVER_ROUTES[target.kind].tokenize;
  if (!route) throw new InvalidRequestError(`${target.kind} servers have no tokenize route (${target.id})`);
  const body = await postJson(target, route, tokenizeBody(target.kind, target.model, text), options);
  return parseTokenize(body, target.id);
}

/**
 * Reads a tokenize answer: vLLM / SGLang `{count, max_model_len, tokens}`, llama.cpp `{tokens}`
 * (ids, or `{id, piece}` with `with_pieces`), TGI a bare list of `{id, text, start, stop}`.
 */
export function parseTokenize(body: unknown, endpoint: string): TokenizeResult {
  const b = body as { tokens?: unknown; count?: unknown; max_model_len?: unknown };
  const list = Array.isArray(body) ? body : b?.tokens;
  if (!Array.isArray(list))
    throw new OutputParseError(`${endpoint} answered a tokenize with no token list`, {
      provider: endpoint,
      body,
    });
  const tokens = list.map((t: unknown) => (typeof t === "number" ? t : (t as { id?: unknown })?.id));
  if (!tokens.every((t): t is number => Number.isInteger(t)))
    throw new OutputParseError(`${endpoint} answered a tokenize with a token that has no id`, {
      provider: endpoint,
      body,
    });
  const count = typeof b?.count === "number" ? b.count : tokens.length;
  return {
    count,
    tokens,
    ...(typeof b?.max_model_len === "number" ? { maxModelLen: b.max_model_len } : {}),
    endpoint,
  };
}
