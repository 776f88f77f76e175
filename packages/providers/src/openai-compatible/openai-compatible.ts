import type { Model, ModelCapabilities } from "@keel/core";
import type { OpenAI } from "openai";
import type { ChatDialect } from "../openai/chat-dialect.js";
import type { SystemMessageRole } from "../openai/chat-messages.js";
import { openai } from "../openai/chat-model.js";
import { OpenAI as OpenAIClient, OpenAIError } from "../openai/sdk.js";
import type { OpenAICompatibleQuirks, UnsupportedOption } from "./quirks.js";
import { compatibleBodyAdapter } from "./request-body.js";

/** A host that speaks OpenAI's Chat Completions API: where it is and how it differs. */
export interface OpenAICompatibleConfig {
  /** Provider name on models, responses, errors and telemetry, e.g. "groq"; also the `providerOptions` key. */
  provider: string;
  /** The API root, ending in `/v1` (or wherever `chat/completions` lives). */
  baseURL: string;
  apiKey?: string;
  /** Environment variable read for the key when none is given, e.g. `GROQ_API_KEY`. */
  apiKeyEnv?: string;
  /**
   * Key sent when none is configured, for servers that need none (self-hosted vLLM, Ollama, ...).
   * Without it, a missing key fails the call with an AuthenticationError. OpenAI's own key
   * (`OPENAI_API_KEY`) is never sent to another host.
   */
  placeholderApiKey?: string;
  /** Sent with every request. */
  headers?: Record<string, string>;
  quirks?: OpenAICompatibleQuirks;
  /** Capabilities of the host's models, by model id; the model's own `capabilities` setting wins. */
  capabilities?: (modelId: string) => Partial<ModelCapabilities>;
}

/** Per-model settings of a preset or of a factory made by `openaiCompatible`. */
export interface OpenAICompatibleSettings {
  /** Overrides the host's default base URL (another port, a proxy, the Keel test server). */
  baseURL?: string;
  apiKey?: string;
  /** Sent with every request, after the host's own headers. */
  headers?: Record<string, string>;
  /** A custom fetch (proxies, tests, edge runtimes). */
  fetch?: typeof fetch;
  /** A pre-built `openai` client pointed at the host; connection settings are then ignored. Turn its retries off. */
  client?: OpenAI;
  /** Role used for system messages (default `system`). */
  systemMessageRole?: SystemMessageRole;
  capabilities?: Partial<ModelCapabilities>;
  /** Request options this host cannot take that should be left out instead of failing the call. */
  dropUnsupported?: readonly UnsupportedOption[];
  /** Adjusts the host's quirks for this model (e.g. `{ maxTokensParam: "max_completion_tokens" }` on a newer server). */
  quirks?: OpenAICompatibleQuirks;
}

/** A function that makes a Keel model for one model id on one OpenAI-compatible host. */
export type OpenAICompatibleProvider = (modelId: string, settings?: OpenAICompatibleSettings) => Model;

const DEFAULT_REASONING_FIELDS = ["reasoning_content", "reasoning"] as const;

/**
 * Makes a model factory for any server that speaks OpenAI's Chat Completions API, on the official
 * `openai` SDK with its retries off (Keel's `retry` middleware owns retries). The host's quirks
 * shape each request body and how answers are read; see `OpenAICompatibleQuirks`.
 */
export function openaiCompatible(config: OpenAICompatibleConfig): OpenAICompatibleProvider {
  return (modelId, settings = {}) => {
    const quirks: OpenAICompatibleQuirks = { ...config.quirks, ...settings.quirks };
    const dialect: ChatDialect = {
      provider: config.provider,
      // Every host is let through here; the body adapter rejects top_k for hosts without it, by name.
      topK: true,
      reasoningFields: quirks.reasoningFields ?? DEFAULT_REASONING_FIELDS,
      adaptBody: compatibleBodyAdapter(config.provider, quirks, new Set(settings.dropUnsupported)),
      ...(quirks.usageOf ? { usageOf: quirks.usageOf } : {}),
      ...(quirks.inferMissingFinishReason ? { inferMissingFinishReason: true } : {}),
    };
    return openai(modelId, {
      client: settings.client ?? buildClient(config, settings),
      dialect,
      capabilities: {
        streaming: true,
        tools: true,
        jsonSchema: true,
        vision: false,
        reasoning: looksLikeReasoningModel(modelId),
        ...config.capabilities?.(modelId),
        ...settings.capabilities,
      },
      ...(settings.systemMessageRole ? { systemMessageRole: settings.systemMessageRole } : {}),
    });
  };
}

/** Model ids of the common open reasoning models (DeepSeek R1 / reasoner, QwQ, Qwen3 thinking, gpt-oss, Magistral). */
export function looksLikeReasoningModel(modelId: string): boolean {
  return /(reasoner|(^|[^a-z])r1([^0-9]|$)|qwq|think|gpt-oss|magistral)/i.test(modelId);
}

function buildClient(config: OpenAICompatibleConfig, settings: OpenAICompatibleSettings): OpenAI {
  const key = settings.apiKey ?? config.apiKey ?? readEnv(config.apiKeyEnv) ?? config.placeholderApiKey;
  const headers = { ...config.headers, ...settings.headers };
  return new OpenAIClient({
    // A missing key fails each call (not the declaration), naming where the key is looked for; a
    // variable set after the model was declared is read on the next call.
    apiKey: key ?? (async () => readEnv(config.apiKeyEnv) ?? Promise.reject(missingKey(config))),
    baseURL: settings.baseURL ?? config.baseURL,
    // Explicit nulls: the SDK would otherwise send OPENAI_ORG_ID / OPENAI_PROJECT_ID to this host.
    organization: null,
    project: null,
    maxRetries: 0,
    ...(Object.keys(headers).length > 0 ? { defaultHeaders: headers } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

function missingKey(config: OpenAICompatibleConfig): OpenAIError {
  const where = config.apiKeyEnv ? `pass apiKey or set ${config.apiKeyEnv}` : "pass apiKey";
  return new OpenAIError(`${config.provider}: no API key configured (${where})`);
}

/** An environment variable, read through globalThis so runtimes without `process` still load this module. */
function readEnv(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}
