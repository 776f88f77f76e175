import {
  type CallOptions,
  type EmbeddingModel,
  type EmbeddingResult,
  InvalidRequestError,
  NetworkError,
  OutputParseError,
} from "@keel/core";
import { callSignal, errorFromHttp, toKeelError } from "@keel/core/provider";

const PROVIDER = "tei";

/** Settings for a Hugging Face text-embeddings-inference (TEI) server. */
export interface TeiEmbeddingSettings {
  /** The server's base URL, e.g. "http://127.0.0.1:8080". */
  baseURL: string;
  /** A name for telemetry and cache keys (TEI serves one model). Default "tei". */
  modelId?: string;
  /** The model's vector size, when known (checked by `@keel/rag`). */
  dimensions?: number;
  /** Inputs per request; TEI's default `--max-client-batch-size` is 32. */
  maxBatchSize?: number;
  /** Ask the server for unit-length vectors. Default true (TEI's default). */
  normalize?: boolean;
  /** Let the server cut inputs longer than the model's limit instead of refusing them. Default false. */
  truncate?: boolean;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/**
 * An embedding model served by text-embeddings-inference through its native route
 * (`POST /embed` with `{ inputs, normalize, truncate }`, answered by one vector per input).
 * Batches of at most `maxBatchSize` go one after another; HTTP errors map to Keel's typed errors
 * (413 and 422 are invalid requests, 429 rate limited, 5xx unavailable).
 */
export function teiEmbedding(settings: TeiEmbeddingSettings): EmbeddingModel {
  if (typeof settings?.baseURL !== "string" || !/^https?:\/\//.test(settings.baseURL))
    throw new InvalidRequestError(
      `teiEmbedding: baseURL must be an http(s) URL, got ${String(settings?.baseURL)}`,
    );
  const base = settings.baseURL.replace(/\/+$/, "");
  const maxBatchSize = settings.maxBatchSize ?? 32;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new InvalidRequestError(
      `teiEmbedding: maxBatchSize must be a positive integer, got ${maxBatchSize}`,
    );
  const doFetch = settings.fetch ?? fetch;
  return {
    provider: PROVIDER,
    id: settings.modelId ?? "tei",
    ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}),
    maxBatchSize,
    async embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
      const embeddings: number[][] = [];
      const { signal, dispose } = callSignal(options);
      try {
        for (let start = 0; start < texts.length; start += maxBatchSize) {
          const inputs = texts.slice(start, start + maxBatchSize);
          let response: Response;
          try {
            response = await doFetch(`${base}/embed`, {
              method: "POST",
              headers: { "content-type": "application/json", ...settings.headers, ...options?.headers },
              body: JSON.stringify({
                inputs,
                normalize: settings.normalize ?? true,
                truncate: settings.truncate ?? false,
              }),
              ...(signal ? { signal } : {}),
            });
          } catch (cause) {
            if (signal?.aborted) throw toKeelError(cause, PROVIDER);
            throw new NetworkError(`tei: ${base} unreachable: ${(cause as Error)?.message ?? cause}`, {
              provider: PROVIDER,
              cause,
            });
          }
          const text = await response.text();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: kept as text for the error below.
          }
          if (!response.ok) throw errorFromHttp(response.status, body, response.headers, PROVIDER);
          if (!Array.isArray(body) || body.length !== inputs.length || !body.every((v) => Array.isArray(v)))
            throw new OutputParseError(`tei: expected ${inputs.length} vectors, got ${text.slice(0, 120)}`, {
              provider: PROVIDER,
            });
          embeddings.push(...(body as number[][]));
        }
      } finally {
        dispose();
      }
      return { embeddings };
    },
  };
}
