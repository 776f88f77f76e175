import type { OpenAI } from "openai";
import { toOpenAIError } from "./errors.js";
import * as sdk from "./sdk.js";

/** How to reach OpenAI (or a server that speaks its API). */
export interface OpenAISettings {
  /** Defaults to the `OPENAI_API_KEY` environment variable. */
  apiKey?: string;
  /** Defaults to `https://api.openai.com/v1` (or `OPENAI_BASE_URL`). */
  baseURL?: string;
  organization?: string;
  project?: string;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** A pre-built client; the other connection settings are then ignored. Turn its retries off (`maxRetries: 0`): Keel owns retries. */
  client?: OpenAI;
  /** A custom fetch (proxies, tests, edge runtimes). */
  fetch?: typeof fetch;
}

/**
 * Returns a function that builds the SDK client on first use, so a model can be declared where no
 * key is configured yet. The client never retries on its own: Keel's `retry` middleware does,
 * so attempts never multiply.
 */
export function lazyClient(settings: OpenAISettings): () => OpenAI {
  let client = settings.client;
  return () => {
    if (client) return client;
    try {
      client = new sdk.OpenAI({
        maxRetries: 0,
        ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
        ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
        ...(settings.organization !== undefined ? { organization: settings.organization } : {}),
        ...(settings.project !== undefined ? { project: settings.project } : {}),
        ...(settings.headers !== undefined ? { defaultHeaders: settings.headers } : {}),
        ...(settings.fetch !== undefined ? { fetch: settings.fetch } : {}),
      });
    } catch (error) {
      throw toOpenAIError(error);
    }
    return client;
  };
}
