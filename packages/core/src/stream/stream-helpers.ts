import type { CallOptions, ModelResponse, ModelStream, StreamEvent } from "../model.js";
import { createModelStream } from "./model-stream.js";

/**
 * Passes a stream through unchanged and calls `onResponse` once with its final response,
 * whether the caller iterates it or only awaits `response`. Never starts the stream early.
 */
export function tapStream(inner: ModelStream, onResponse: (response: ModelResponse) => void): ModelStream {
  let tapped: Promise<ModelResponse> | undefined;
  const tap = () =>
    (tapped ??= inner.response.then((response) => {
      onResponse(response);
      return response;
    }));
  async function* iterate(): AsyncGenerator<StreamEvent> {
    for await (const event of inner) yield event;
    await tap();
  }
  return {
    [Symbol.asyncIterator]: () => iterate(),
    get response() {
      return tap();
    },
  };
}

/**
 * A stream whose source is decided asynchronously (after a cache lookup, a token count, a
 * budget check). `start` yields events; `final` may supply the authoritative response (the
 * inner stream's own, with its failovers and flags) instead of the re-accumulated one.
 */
export function deferStream(
  init: { provider: string; model: string; options?: CallOptions },
  start: (signal: AbortSignal) => AsyncIterable<StreamEvent>,
  final?: () => ModelResponse | undefined,
): ModelStream {
  return createModelStream(start, {
    provider: init.provider,
    model: init.model,
    ...(init.options ? { options: init.options } : {}),
    ...(final ? { finalize: (accumulated) => final() ?? accumulated } : {}),
  });
}

/** Events of an inner stream, remembering its final response for `deferStream`'s `final`. */
export async function* forward(
  inner: ModelStream,
  keep: (response: ModelResponse) => void,
): AsyncGenerator<StreamEvent> {
  for await (const event of inner) yield event;
  keep(await inner.response);
}

/** Replays a finished response as the stream events a live call would have produced. */
export function* responseEvents(response: ModelResponse): Generator<StreamEvent> {
  if (response.requestId !== undefined || response.model.served !== undefined)
    yield {
      type: "response-metadata",
      ...(response.requestId !== undefined ? { requestId: response.requestId } : {}),
      ...(response.model.served !== undefined ? { servedModel: response.model.served } : {}),
    };
  let index = 0;
  for (const part of response.content) {
    if (part.type === "text") yield { type: "text-delta", text: part.text };
    else if (part.type === "reasoning")
      yield {
        type: "reasoning-delta",
        text: part.text,
        ...(part.signature !== undefined ? { signature: part.signature } : {}),
        ...(part.redactedData !== undefined ? { redactedData: part.redactedData } : {}),
      };
    else {
      const args = part.rawArguments ?? JSON.stringify(part.arguments ?? {});
      yield { type: "tool-call-delta", index, id: part.id, name: part.name, argumentsDelta: args };
      yield { type: "tool-call", call: part };
      index++;
    }
  }
  if (response.logprobs !== undefined) yield { type: "logprobs", tokens: response.logprobs };
  yield { type: "usage", usage: response.usage };
  yield {
    type: "finish",
    finishReason: response.finishReason,
    ...(response.rawFinishReason !== undefined ? { rawFinishReason: response.rawFinishReason } : {}),
    ...(response.refusal !== undefined ? { refusal: response.refusal } : {}),
  };
}
