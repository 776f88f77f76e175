import { type CallOptions, InvalidRequestError, OutputParseError } from "@keel/core";
import { SERVER_ROUTES } from "../server-kinds.js";
import type { EndpointTarget } from "./endpoint-model.js";
import { postJson } from "./post-json.js";

/** One scored document: its position in the input and the server's relevance score. */
export interface RerankHit {
  index: number;
  score: number;
}

/** What a rerank call returns: hits best first (at most `topN`), and the tokens the server read when it says. */
export interface RerankResult {
  results: RerankHit[];
  inputTokens?: number;
  /** The endpoint that answered. */
  endpoint: string;
}

/** Options of a rerank call. */
export interface RerankOptions extends CallOptions {
  /** Keep only the best `topN` documents. Default all. */
  topN?: number;
  /** The reranker model's name, when it differs from the endpoint's served model. */
  model?: string;
}

/**
 * One rerank request to one server. The request is the Jina / Cohere shape that vLLM, SGLang and
 * llama.cpp all take on `/v1/rerank` (`model`, `query`, `documents`, `top_n`). vLLM and llama.cpp
 * answer `{results: [{index, relevance_score, document?}], usage: {total_tokens | prompt_tokens}}`;
 * SGLang answers a bare list of `{index, score, document}`; both are read.
 */
export async function rerankOnce(
  target: EndpointTarget,
  query: string,
  documents: readonly string[],
  options: RerankOptions | undefined,
): Promise<RerankResult> {
  const route = SERVER_ROUTES[target.kind].rerank;
  if (!route) throw new InvalidRequestError(`${target.kind} servers have no rerank route (${target.id})`);
  const body = await postJson(
    target,
    route,
    {
      model: options?.model ?? target.model,
      query,
      documents,
      ...(options?.topN !== undefined ? { top_n: options.topN } : {}),
    },
    options,
  );
  return parseRerank(body, documents.length, target.id);
}

/** Reads a rerank answer (vLLM / llama.cpp `results`, or SGLang's bare list); `OutputParseError` when it is neither. */
export function parseRerank(body: unknown, documents: number, endpoint: string): RerankResult {
  const b = body as { results?: unknown; usage?: { total_tokens?: unknown; prompt_tokens?: unknown } };
  const items = Array.isArray(body) ? body : b?.results;
  if (!Array.isArray(items))
    throw new OutputParseError(`${endpoint} answered a rerank with no results list`, {
      provider: endpoint,
      body,
    });
  const results = items.map((item: { index?: unknown; relevance_score?: unknown; score?: unknown }) => {
    const index = item?.index;
    const score = item?.relevance_score ?? item?.score;
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= documents)
      throw new OutputParseError(`${endpoint} answered a rerank result with index ${String(index)}`, {
        provider: endpoint,
        body,
      });
    if (typeof score !== "number")
      throw new OutputParseError(`${endpoint} answered a rerank result with no score`, {
        provider: endpoint,
        body,
      });
    return { index: index as number, score };
  });
  // Servers sort best first; a list that is not sorted is sorted here so every kind reads the same.
  results.sort((x, y) => y.score - x.score);
  const tokens = Array.isArray(body) ? undefined : (b.usage?.prompt_tokens ?? b.usage?.total_tokens);
  return { results, ...(typeof tokens === "number" ? { inputTokens: tokens } : {}), endpoint };
}
