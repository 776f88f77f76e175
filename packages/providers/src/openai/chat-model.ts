import type {
  CallOptions,
  Model,
  ModelCapabilities,
  ModelRequest,
  ModelResponse,
  StreamEvent,
} from "@keel/core";
import { validateRequest } from "@keel/core";
import {
  abortReason,
  callSignal,
  chunkEventSource,
  createModelStream,
  observeModel,
  ResponseAccumulator,
} from "@keel/core/provider";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ChatDialect } from "./chat-dialect.js";
import type { SystemMessageRole } from "./chat-messages.js";
import { toChatBody } from "./chat-request-body.js";
import { ChatStreamMapper, chatCompletionEvents } from "./chat-stream-mapper.js";
import { PROVIDER, toOpenAIError } from "./errors.js";
import { lazyClient, type OpenAISettings } from "./settings.js";
import { assertEventStream, openAIStreamChunks, requestOptions } from "./transport.js";
import { reportMissingUsage } from "./usage-missing.js";

/** Settings for a Chat Completions model. */
export interface OpenAIChatSettings extends OpenAISettings {
  /** Role used for system messages (default `system`; some reasoning models prefer `developer`). */
  systemMessageRole?: SystemMessageRole;
  /** Overrides the capabilities guessed from the model id. */
  capabilities?: Partial<ModelCapabilities>;
  /** How the server differs from OpenAI; set by the `@keel/providers/openai-compatible` presets. */
  dialect?: ChatDialect;
}

/** True for OpenAI's reasoning model families (o-series, gpt-5). */
export function isReasoningModel(modelId: string): boolean {
  return /^(o\d|gpt-5)/.test(modelId);
}

/** Capabilities guessed from an OpenAI model id, overridable in settings. */
export function openaiCapabilities(
  modelId: string,
  overrides?: Partial<ModelCapabilities>,
): ModelCapabilities {
  return {
    streaming: true,
    tools: true,
    jsonSchema: true,
    vision: true,
    reasoning: isReasoningModel(modelId),
    ...overrides,
  };
}

/**
 * An OpenAI model served through Chat Completions (`POST /chat/completions`), on the official
 * `openai` SDK with its retries off. `generate` makes a non-streamed call; `stream` asks for
 * `stream_options.include_usage` so usage arrives at the end of every stream.
 */
export function openai(modelId: string, settings: OpenAIChatSettings = {}): Model {
  const client = lazyClient(settings);
  const dialect = settings.dialect;
  const provider = dialect?.provider ?? PROVIDER;
  const bodyOptions = {
    ...(settings.systemMessageRole ? { systemMessageRole: settings.systemMessageRole } : {}),
    ...(dialect ? { dialect } : {}),
  };

  /** The stream's events, pulled chunk by chunk (see `chunkEventSource` for why not a generator). */
  function produce(
    request: ModelRequest,
    options: CallOptions | undefined,
    signal: AbortSignal,
  ): AsyncIterable<StreamEvent> {
    validateRequest(request, provider);
    const body = toChatBody(modelId, request, { stream: true, ...bodyOptions });
    let mapper: ChatStreamMapper;
    return chunkEventSource({
      async open() {
        // The SDK sends and checks the request; Keel reads the event stream itself (`sseChunks`).
        const response = await client()
          .chat.completions.create(body, requestOptions(signal, options))
          .asResponse();
        await assertEventStream(response, provider);
        mapper = new ChatStreamMapper(response.headers.get("x-request-id") ?? undefined, dialect);
        return openAIStreamChunks<ChatCompletionChunk>(response);
      },
      map: (chunk) => mapper.chunk(chunk),
      toError: (error) => toOpenAIError(error, signal, provider),
      end() {
        // A body that ends quietly when the signal fires (some fetch implementations) was aborted, not finished.
        if (signal.aborted) throw abortReason(signal);
        return [...mapper.end()];
      },
      done() {
        if (!mapper.hasUsage) reportMissingUsage(provider, modelId, true);
      },
    });
  }

  return observeModel({
    provider,
    id: modelId,
    capabilities: openaiCapabilities(modelId, settings.capabilities),
    async generate(request: ModelRequest, options?: CallOptions): Promise<ModelResponse> {
      validateRequest(request, provider);
      const body = toChatBody(modelId, request, { stream: false, ...bodyOptions });
      const acc = new ResponseAccumulator(provider, modelId);
      const { signal, dispose } = callSignal(options);
      try {
        // The SDK puts the x-request-id header on the parsed body; `withResponse()` would cost two
        // more promises and a second header lookup on every call.
        const data = await client().chat.completions.create(body, requestOptions(signal, options));
        let sawUsage = false;
        for (const event of chatCompletionEvents(data, data._request_id ?? undefined, dialect)) {
          if (event.type === "usage") sawUsage = true;
          acc.add(event);
        }
        if (!sawUsage) reportMissingUsage(provider, modelId, false);
        return acc.finish();
      } catch (error) {
        throw toOpenAIError(error, signal, provider);
      } finally {
        dispose();
      }
    },
    stream(request: ModelRequest, options?: CallOptions) {
      return createModelStream((signal) => produce(request, options, signal), {
        provider,
        model: modelId,
        ...(options ? { options } : {}),
      });
    },
  });
}
