import {
  type CallOptions,
  type EmbeddingResult,
  InvalidRequestError,
  type Model,
  type ModelRequest,
  OutputParseError,
  validateRequest,
} from "@keel/core";
import { chunkEventSource, createModelStream, toKeelError } from "@keel/core/provider";
import { SERVER_ROUTES, type ServerKind } from "../server-kinds.js";
import { chatBody } from "./chat-body.js";
import { ChatChunkEvents } from "./chat-chunk-events.js";
import { errorFromStatus, readErrorBody } from "./http-errors.js";
import { sseJson } from "./sse-json.js";

/** One server the client talks to. */
export interface EndpointTarget {
  /** A name for telemetry and errors; default the URL's host:port. */
  id: string;
  /** Base URL, e.g. `http://10.0.0.7:8000`. */
  url: string;
  kind: ServerKind;
  /** The model the server serves (the `model` field of requests). */
  model: string;
  headers?: Record<string, string>;
  /** Replaces the global `fetch` (for a proxy, a custom agent, or a test). */
  fetch?: typeof fetch;
}

/** A core `Model` that streams chat completions from one server, plus its embeddings route. */
export interface EndpointModel extends Model {
  readonly target: EndpointTarget;
  /** Embeds texts in one request to the server's embeddings route. */
  embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult>;
}

/** A Keel model over one server's OpenAI-compatible chat route; `generate` collects the stream. */
export function endpointModel(target: EndpointTarget): EndpointModel {
  const routes = SERVER_ROUTES[target.kind];
  const doFetch = target.fetch ?? fetch;
  const headers = (options?: CallOptions) => ({
    "content-type": "application/json",
    ...target.headers,
    ...options?.headers,
  });

  const post = async (
    path: string,
    body: unknown,
    options: CallOptions | undefined,
    signal: AbortSignal | undefined,
  ) => {
    const response = await doFetch(target.url + path, {
      method: "POST",
      headers: headers(options),
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok)
      throw errorFromStatus(response.status, await readErrorBody(response), response.headers, target.id);
    return response;
  };

  const model: EndpointModel = {
    provider: target.kind,
    id: target.id,
    target,
    capabilities: { streaming: true, tools: true, jsonSchema: true, vision: false, reasoning: false },
    stream(request: ModelRequest, options?: CallOptions) {
      return createModelStream(
        (signal) => {
          validateRequest(request, target.kind);
          const model = request.providerOptions?.["gpu-client"]?.model;
          const body = chatBody(request, typeof model === "string" ? model : target.model, true);
          const events = new ChatChunkEvents(target.id);
          return chunkEventSource<Record<string, any>>({
            open: async () => sseJson((await post(routes.chat, body, options, signal)).body, target.id),
            map: (chunk) => events.map(chunk),
            toError: (error) => toKeelError(error, target.id),
            end: () => events.end(),
          });
        },
        { provider: target.kind, model: target.id, ...(options ? { options } : {}) },
      );
    },
    generate(request: ModelRequest, options?: CallOptions) {
      return model.stream(request, options).response;
    },
    async embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
      if (!routes.embeddings)
        throw new InvalidRequestError(`${target.kind} servers have no embeddings route (${target.id})`);
      try {
        const response = await post(
          routes.embeddings,
          { model: target.model, input: texts },
          options,
          options?.signal,
        );
        const body = (await response.json()) as {
          data?: { index: number; embedding: number[] }[];
          usage?: { prompt_tokens?: number };
        };
        if (!Array.isArray(body.data) || body.data.length !== texts.length)
          throw new OutputParseError(
            `${target.id} answered ${body.data?.length ?? "no"} embeddings for ${texts.length} inputs`,
            {
              provider: target.id,
              body,
            },
          );
        const embeddings = new Array<number[]>(texts.length);
        for (const item of body.data) embeddings[item.index] = item.embedding;
        return {
          embeddings,
          ...(body.usage?.prompt_tokens !== undefined
            ? { usage: { inputTokens: body.usage.prompt_tokens } }
            : {}),
        };
      } catch (error) {
        throw toKeelError(error, target.id);
      }
    },
  };
  return model;
}
