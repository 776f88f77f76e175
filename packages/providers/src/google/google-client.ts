import type { GenerativeModel, GoogleGenerativeAI, RequestOptions } from "@google/generative-ai";
import { AuthenticationError } from "@keel/core";
import * as sdk from "./sdk.js";

/** How to reach Gemini; shared by `google()` and `googleEmbedding()`. */
export interface GoogleClientSettings {
  /** Defaults to the `GOOGLE_GENERATIVE_AI_API_KEY` or `GEMINI_API_KEY` environment variable where one exists. */
  apiKey?: string;
  /** Defaults to `https://generativelanguage.googleapis.com`. The SDK appends `/{apiVersion}/models/...`. */
  baseUrl?: string;
  /** Defaults to the SDK's `v1beta`. */
  apiVersion?: string;
  /** Sent with every request (per-call `CallOptions.headers` are added on top). */
  headers?: Record<string, string>;
  /** A ready client to use instead of building one from `apiKey`. */
  client?: GoogleGenerativeAI;
}

/**
 * The SDK model object for `modelId`, built on the first call: a model can be declared where no
 * key is set (a fallback declared at start-up), a key set later is picked up, and without one each
 * call fails with an `AuthenticationError` naming the variables, before anything is sent.
 */
export function lazyGenerativeModel(modelId: string, settings: GoogleClientSettings): () => GenerativeModel {
  let sdk: GenerativeModel | undefined;
  return () => {
    sdk ??= createGenerativeModel(modelId, settings);
    return sdk;
  };
}

/**
 * Builds the SDK model object for `modelId` ("gemini-2.5-flash", or a full "tunedModels/x").
 * The SDK has no retry logic of its own (one `fetch` per call), so Keel's retry middleware is
 * the only one; its `timeout` option is not used because it leaves a timer running per call.
 */
export function createGenerativeModel(modelId: string, settings: GoogleClientSettings): GenerativeModel {
  const client = settings.client ?? new sdk.GoogleGenerativeAI(resolveApiKey(settings.apiKey));
  const requestOptions: RequestOptions = {
    ...(settings.baseUrl !== undefined ? { baseUrl: settings.baseUrl.replace(/\/+$/, "") } : {}),
    ...(settings.apiVersion !== undefined ? { apiVersion: settings.apiVersion } : {}),
  };
  return client.getGenerativeModel({ model: modelId }, requestOptions);
}

/** Settings headers plus per-call headers, as the SDK's per-request `customHeaders` (which replace, not merge). */
export function requestHeaders(
  settings: GoogleClientSettings,
  callHeaders: Record<string, string> | undefined,
): { customHeaders?: Record<string, string> } {
  const headers = { ...settings.headers, ...callHeaders };
  return Object.keys(headers).length > 0 ? { customHeaders: headers } : {};
}

function resolveApiKey(apiKey: string | undefined): string {
  // Read through globalThis so edge bundles without `process` still load this module.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  // Empty variables count as unset.
  const key = apiKey || env?.GOOGLE_GENERATIVE_AI_API_KEY || env?.GEMINI_API_KEY;
  if (!key) {
    throw new AuthenticationError(
      "no Gemini API key: pass settings.apiKey or set GOOGLE_GENERATIVE_AI_API_KEY / GEMINI_API_KEY",
      { provider: "google" },
    );
  }
  return key;
}
