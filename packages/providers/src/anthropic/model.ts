import type Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
} from "@anthropic-ai/sdk/resources/messages";
import {
  AuthenticationError,
  type CallOptions,
  InvalidRequestError,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type ModelStream,
  NetworkError,
  OutputParseError,
  type ToolCallPart,
  validateRequest,
} from "@keel/core";
import {
  abortReason,
  callSignal,
  chunkEventSource,
  createModelStream,
  observeModel,
} from "@keel/core/provider";
import { toAnthropicKeelError } from "./errors.js";
import { anthropicModelTraits } from "./model-traits.js";
import { type AnthropicRequestContext, toAnthropicRequest } from "./request-body.js";
import { toModelResponse } from "./response.js";
import { Anthropic as AnthropicClient } from "./sdk.js";
import type { AnthropicSettings } from "./settings.js";
import { anthropicStreamChunks } from "./stream-chunks.js";
import { AnthropicStreamMapper } from "./stream-mapper.js";

const PROVIDER = "anthropic";
const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * A Claude model on Anthropic's Messages API, through the official SDK. The SDK never retries
 * (Keel's `retry` middleware does), and the call's signal and deadline cancel the HTTP request.
 */
export function anthropic(modelId: string, settings: AnthropicSettings = {}): Model {
  if (!modelId) throw new InvalidRequestError("anthropic() needs a model id", { provider: PROVIDER });
  const clientOnly = (["apiKey", "baseURL", "fetch", "timeoutMs"] as const).filter(
    (k) => settings[k] !== undefined,
  );
  if (settings.client && clientOnly.length > 0)
    throw new InvalidRequestError(
      `anthropic(): ${clientOnly.join(", ")} cannot be combined with a prebuilt client`,
      {
        provider: PROVIDER,
      },
    );
  const client = lazyClient(settings);
  const traits = anthropicModelTraits(modelId);
  const context: AnthropicRequestContext = { modelId, traits, settings };

  function requestOptions(signal: AbortSignal, options: CallOptions | undefined) {
    const headers = {
      ...settings.headers,
      ...(settings.apiVersion !== undefined ? { "anthropic-version": settings.apiVersion } : {}),
      ...options?.headers,
    };
    // maxRetries 0 per request, so a prebuilt client with retries on cannot multiply attempts.
    return { signal, maxRetries: 0, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
  }

  async function generate(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
    const startedAt = Date.now();
    validateRequest(request, PROVIDER);
    const plan = toAnthropicRequest(request, context, false);
    const { signal, dispose } = callSignal(options);
    try {
      const { data, request_id } = await client()
        .messages.create(
          plan.body as unknown as MessageCreateParamsNonStreaming,
          requestOptions(signal, options),
        )
        .withResponse();
      return toModelResponse(data as Message, {
        requestedModel: modelId,
        requestId: request_id,
        startedAt,
        ...(plan.jsonToolName !== undefined ? { jsonToolName: plan.jsonToolName } : {}),
      });
    } catch (error) {
      throw toAnthropicKeelError(error, signal);
    } finally {
      dispose();
    }
  }

  function stream(request: ModelRequest, options?: CallOptions): ModelStream {
    let mapper: AnthropicStreamMapper | undefined;
    /** The stream's events, pulled event by event (see `chunkEventSource` for why not a generator). */
    function produce(signal: AbortSignal) {
      return chunkEventSource<unknown>({
        async open() {
          validateRequest(request, PROVIDER);
          const plan = toAnthropicRequest(request, context, true);
          // The SDK sends and checks the request; Keel reads the event stream itself (`sseChunks`).
          const response = await client()
            .messages.create(
              plan.body as unknown as MessageCreateParamsStreaming,
              requestOptions(signal, options),
            )
            .asResponse();
          const contentType = response.headers.get("content-type") ?? "";
          if (!contentType.includes("text/event-stream")) {
            await response.body?.cancel().catch(() => {});
            throw new OutputParseError(`Anthropic answered a stream request with "${contentType}", not SSE`, {
              provider: PROVIDER,
              status: response.status,
              retryable: true,
            });
          }
          const requestId = response.headers.get("request-id");
          mapper = new AnthropicStreamMapper({
            ...(plan.jsonToolName !== undefined ? { jsonToolName: plan.jsonToolName } : {}),
            ...(requestId ? { requestId } : {}),
          });
          return anthropicStreamChunks(response);
        },
        map: (raw) => (mapper as AnthropicStreamMapper).map(raw),
        toError: (error) => toAnthropicKeelError(error, signal),
        end() {
          if (signal.aborted) throw abortReason(signal);
          if (!mapper?.finished)
            throw new NetworkError("the Anthropic stream ended before message_stop", { provider: PROVIDER });
          return [];
        },
      });
    }
    return createModelStream(produce, {
      provider: PROVIDER,
      model: modelId,
      ...(options !== undefined ? { options } : {}),
      // Block-ordered parts from the mapper keep each thinking block (and its signature) apart.
      finalize: (response) => (mapper ? withContent(response, mapper) : response),
    });
  }

  return observeModel({
    provider: PROVIDER,
    id: modelId,
    capabilities: {
      streaming: true,
      tools: true,
      jsonSchema: settings.structuredOutput === "native" || traits.nativeStructuredOutput,
      vision: true,
      reasoning: traits.thinking,
    },
    generate,
    stream,
  });
}

/**
 * The SDK client, built on the first call so that a model can be declared where no key is set
 * (a fallback declared at start-up), and a key set later is picked up. Without a key, each call
 * fails with an `AuthenticationError` naming the variable, before anything is sent.
 */
function lazyClient(settings: AnthropicSettings): () => Anthropic {
  let client = settings.client;
  return () => {
    if (client) return client;
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    // Empty variables count as unset; the SDK also takes a bearer token from ANTHROPIC_AUTH_TOKEN.
    const apiKey = settings.apiKey || env?.ANTHROPIC_API_KEY;
    if (!apiKey && !env?.ANTHROPIC_AUTH_TOKEN)
      throw new AuthenticationError("no Anthropic API key: pass settings.apiKey or set ANTHROPIC_API_KEY", {
        provider: PROVIDER,
      });
    client = buildClient(settings, apiKey);
    return client;
  };
}

function buildClient(settings: AnthropicSettings, apiKey: string | undefined): Anthropic {
  return new AnthropicClient({
    ...(apiKey ? { apiKey } : {}),
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    ...(settings.fetch !== undefined ? { fetch: settings.fetch as never } : {}),
    maxRetries: 0,
    timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}

function withContent(response: ModelResponse, mapper: AnthropicStreamMapper): ModelResponse {
  const content = mapper.content();
  return {
    ...response,
    content,
    text: content.map((p) => (p.type === "text" ? p.text : "")).join(""),
    toolCalls: content.filter((p): p is ToolCallPart => p.type === "tool-call"),
  };
}
