import {
  type CallOptions,
  InvalidRequestError,
  type Model,
  NetworkError,
  OutputParseError,
  ProviderUnavailableError,
  RateLimitedError,
} from "@keel/core";

/** Scores texts against a query; higher is more relevant. One score per text, in input order. */
export interface Reranker {
  readonly name: string;
  rerank(query: string, texts: readonly string[], options?: CallOptions): Promise<number[]>;
}

/** Options of `teiReranker`. */
export interface TeiRerankerOptions {
  /** Base URL of a server with a TEI-style `POST /rerank` (Hugging Face text-embeddings-inference). */
  url: string;
  /** Extra headers, e.g. authorization. */
  headers?: Record<string, string>;
  /** Texts per request. Default 64. */
  batchSize?: number;
  fetch?: typeof fetch;
}

/**
 * A cross-encoder reranker behind a TEI-style endpoint: `POST {url}/rerank` with
 * `{ query, texts, raw_scores: false }`, answered by `[{ index, score }]`.
 */
export function teiReranker(options: TeiRerankerOptions): Reranker {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const batchSize = options.batchSize ?? 64;
  return {
    name: `tei-rerank:${base}`,
    async rerank(query, texts, call) {
      const scores = new Array<number>(texts.length);
      for (let from = 0; from < texts.length; from += batchSize) {
        const batch = texts.slice(from, from + batchSize);
        let response: Response;
        try {
          response = await doFetch(`${base}/rerank`, {
            method: "POST",
            headers: { "content-type": "application/json", ...options.headers, ...call?.headers },
            body: JSON.stringify({ query, texts: batch, raw_scores: false }),
            ...(call?.signal ? { signal: call.signal } : {}),
          });
        } catch (cause) {
          throw new NetworkError(`rerank: ${base} unreachable: ${(cause as Error).message}`, {
            cause,
            provider: "tei",
          });
        }
        const body = await response.text();
        if (!response.ok) {
          const opts = { status: response.status, provider: "tei", body };
          if (response.status === 429)
            throw new RateLimitedError(`rerank: rate limited (${body.slice(0, 200)})`, opts);
          if (response.status >= 500)
            throw new ProviderUnavailableError(`rerank: server error ${response.status}`, opts);
          throw new InvalidRequestError(`rerank: ${response.status} ${body.slice(0, 200)}`, opts);
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch (cause) {
          throw new OutputParseError("rerank: the answer is not JSON", { cause, provider: "tei" });
        }
        if (!Array.isArray(parsed))
          throw new OutputParseError("rerank: the answer is not an array", { provider: "tei" });
        for (const item of parsed as Array<{ index?: unknown; score?: unknown }>) {
          if (typeof item?.index !== "number" || typeof item.score !== "number" || !(item.index in batch))
            throw new OutputParseError("rerank: an answer item lacks a valid index or score", {
              provider: "tei",
            });
          scores[from + item.index] = item.score;
        }
      }
      if (scores.some((s) => s === undefined))
        throw new OutputParseError("rerank: some texts got no score", { provider: "tei" });
      return scores;
    },
  };
}

/**
 * A reranker that asks a core `Model` to grade each text's relevance from 0 to 10 (one call per
 * text, run in parallel); an answer without a number scores 0.
 */
export function modelReranker(
  model: Model,
  options: { instructions?: string; concurrency?: number } = {},
): Reranker {
  const instructions =
    options.instructions ??
    "Rate how well the passage answers or supports the query, from 0 (unrelated) to 10 (fully relevant). Reply with the number only.";
  const concurrency = options.concurrency ?? 4;
  return {
    name: `model-rerank:${model.provider}/${model.id}`,
    async rerank(query, texts, call) {
      const scores = new Array<number>(texts.length);
      let next = 0;
      const worker = async () => {
        while (next < texts.length) {
          const i = next++;
          const response = await model.generate(
            {
              messages: [
                { role: "system", content: instructions },
                { role: "user", content: `Query: ${query}\n\nPassage:\n${texts[i]}` },
              ],
              temperature: 0,
              maxOutputTokens: 8,
            },
            call,
          );
          const n = Number(/-?\d+(\.\d+)?/.exec(response.text)?.[0]);
          scores[i] = Number.isFinite(n) ? Math.max(0, Math.min(10, n)) : 0;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, texts.length) }, worker));
      return scores;
    },
  };
}
