import {
  type FinishReason,
  NetworkError,
  OutputParseError,
  type ProviderMetadata,
  type StreamEvent,
  type ToolCallPart,
} from "@keel/core";
import { errorFromHttp, type HeadersLike } from "@keel/core/provider";
import type { Response, ResponseStreamEvent } from "openai/resources/responses/responses";
import { fromOpenAILogprobs } from "../shared/logprobs.js";
import { toolCallPart } from "../shared/parse-tool-arguments.js";
import { type AssemblingToolCall, ToolCallAssembler } from "../shared/tool-call-assembler.js";
import { metadataEvent, preview } from "./chat-stream-mapper.js";
import { PROVIDER } from "./errors.js";
import type { OpenAIReasoningMetadata } from "./responses-input.js";
import { responsesUsage } from "./usage.js";

/** Separates the summary parts of one reasoning item in the reasoning text. */
const SUMMARY_SEPARATOR = "\n\n";

/** The Keel finish reason of a finished Responses API response, and the raw status/reason behind it. */
export function responsesFinishReason(
  response: Pick<Response, "status" | "incomplete_details">,
  hasToolCalls: boolean,
  refused: boolean,
  waitingOn: readonly string[] = [],
): { finishReason: FinishReason; rawFinishReason: string } {
  if (response.status === "incomplete") {
    const reason = response.incomplete_details?.reason ?? "incomplete";
    const finishReason =
      reason === "max_output_tokens" ? "length" : reason === "content_filter" ? "content-filter" : "other";
    return { finishReason, rawFinishReason: reason };
  }
  const rawFinishReason = response.status ?? "completed";
  if (refused) return { finishReason: "content-filter", rawFinishReason };
  if (hasToolCalls) return { finishReason: "tool-calls", rawFinishReason };
  // The answer waits on the caller for something Keel has no part for: not "stop". The items
  // themselves are in `raw` (the response's `output`).
  if (waitingOn.length > 0)
    return { finishReason: "other", rawFinishReason: `awaiting:${[...new Set(waitingOn)].join(",")}` };
  return { finishReason: "stop", rawFinishReason };
}

function reasoningMetadata(itemId: string, encryptedContent: string | null | undefined): ProviderMetadata {
  const openai: OpenAIReasoningMetadata = { itemId, ...(encryptedContent ? { encryptedContent } : {}) };
  return { openai: { ...openai } };
}

/**
 * Turns Responses API stream events into Keel stream events: text and reasoning-summary deltas,
 * function-call argument deltas assembled into `tool-call` events, one reasoning part per
 * reasoning item (closed by its encrypted content in `providerMetadata.openai`), and usage plus
 * `finish` from `response.completed` / `response.incomplete`. `error` and `response.failed`
 * become typed errors.
 */
export class ResponsesStreamMapper {
  readonly #requestId: string | undefined;
  readonly #headers: HeadersLike | undefined;
  readonly #toolCalls = new ToolCallAssembler();
  // Keyed by output_index, not item id: some servers (GitHub Copilot) change the item id on every
  // event of one item, and the protocol numbers each output item by its position anyway.
  readonly #toolCallsByOutput = new Map<number | string, AssemblingToolCall>();
  readonly #itemIds = new Map<AssemblingToolCall, string>();
  readonly #emittedToolCalls = new Set<AssemblingToolCall>();
  readonly #textByPart = new Map<string, string>();
  readonly #reasoningText = new Map<number | string, { text: string; summaryIndex: number }>();
  /** Output items that wait on the caller and have no Keel part (shell calls, approval requests, ...). */
  readonly #waitingOn: string[] = [];
  /** Output index of each item id seen on output_item events, for deltas that carry only the id. */
  readonly #indexByItem = new Map<string, number>();
  #metadataSent = false;
  #customCalls = 0;
  #refusal = "";
  #terminal = false;

  constructor(requestId: string | undefined, headers?: HeadersLike) {
    this.#requestId = requestId;
    this.#headers = headers;
  }

  /** Events for one stream event. */
  *event(event: ResponseStreamEvent): Generator<StreamEvent> {
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        if (!this.#metadataSent) {
          this.#metadataSent = true;
          yield metadataEvent(this.#requestId ?? event.response.id, event.response.model);
        }
        break;
      case "response.output_item.added":
        if (event.item.id) this.#indexByItem.set(event.item.id, event.output_index);
        if (event.item.type === "function_call") {
          const call = this.#toolCalls.add({
            index: event.output_index,
            id: event.item.call_id,
            name: event.item.name,
            arguments: event.item.arguments,
          });
          this.#remember(this.#key(event), event.item.id, call);
          yield {
            type: "tool-call-delta",
            index: call.ordinal,
            id: event.item.call_id,
            name: event.item.name,
            argumentsDelta: event.item.arguments ?? "",
          };
        }
        break;
      case "response.output_text.delta": {
        const key = `${this.#key(event)}:${event.content_index}`;
        this.#textByPart.set(key, (this.#textByPart.get(key) ?? "") + event.delta);
        yield { type: "text-delta", text: event.delta };
        if (event.logprobs?.length) yield { type: "logprobs", tokens: fromOpenAILogprobs(event.logprobs) };
        break;
      }
      case "response.output_text.done": {
        // The done event carries the whole text; deliver whatever the deltas did not.
        const seen = this.#textByPart.get(`${this.#key(event)}:${event.content_index}`) ?? "";
        if (event.text.length > seen.length && event.text.startsWith(seen))
          yield { type: "text-delta", text: event.text.slice(seen.length) };
        break;
      }
      case "response.refusal.delta":
        this.#refusal += event.delta;
        break;
      case "response.refusal.done":
        this.#refusal = event.refusal;
        break;
      case "response.reasoning_summary_text.delta":
        yield* this.#reasoningDelta(this.#key(event), event.summary_index, event.delta);
        break;
      case "response.reasoning_text.delta":
        yield* this.#reasoningDelta(this.#key(event), 0, event.delta);
        break;
      case "response.function_call_arguments.delta": {
        const call = this.#toolCallsByOutput.get(this.#key(event));
        if (!call) break;
        call.arguments += event.delta;
        yield { type: "tool-call-delta", index: call.ordinal, argumentsDelta: event.delta };
        break;
      }
      case "response.function_call_arguments.done": {
        const call = this.#toolCallsByOutput.get(this.#key(event));
        if (call) call.arguments = event.arguments;
        break;
      }
      case "response.output_item.done":
        if (event.item.id) this.#indexByItem.set(event.item.id, event.output_index);
        yield* this.#itemDone(event);
        break;
      case "response.completed":
      case "response.incomplete":
        yield* this.#finish(event.response);
        break;
      case "response.failed":
        throw errorFromHttp(
          undefined,
          event.response.error ?? { message: "the response failed" },
          this.#headers,
          PROVIDER,
        );
      case "error":
        throw errorFromHttp(undefined, event, this.#headers, PROVIDER);
    }
  }

  /** True once a terminal event (`response.completed` / `response.incomplete`) has been mapped; nothing after it counts. */
  get done(): boolean {
    return this.#terminal;
  }

  /** Throws when the stream ended before a terminal `response.*` event (a truncated stream). */
  end(): void {
    if (!this.#terminal)
      throw new NetworkError("the OpenAI Responses stream ended before response.completed (truncated)", {
        provider: PROVIDER,
      });
  }

  /**
   * Where a stream event's item sits in the output: its `output_index`; for an event that carries
   * only an item id, the index that id had when its item was added (else the id itself).
   */
  #key(event: { output_index?: number; item_id?: string }): number | string {
    if (typeof event.output_index === "number") return event.output_index;
    if (event.item_id === undefined) return "";
    return this.#indexByItem.get(event.item_id) ?? event.item_id;
  }

  *#reasoningDelta(key: number | string, summaryIndex: number, delta: string): Generator<StreamEvent> {
    const state = this.#reasoningText.get(key) ?? { text: "", summaryIndex };
    const text = summaryIndex !== state.summaryIndex && state.text !== "" ? SUMMARY_SEPARATOR + delta : delta;
    state.summaryIndex = summaryIndex;
    state.text += text;
    this.#reasoningText.set(key, state);
    yield { type: "reasoning-delta", text };
  }

  #remember(key: number | string, itemId: string | undefined, call: AssemblingToolCall): void {
    this.#toolCallsByOutput.set(key, call);
    // The id the item ended with is the one to send back (it is the same all along at OpenAI).
    if (itemId) this.#itemIds.set(call, itemId);
  }

  *#itemDone(
    event: Extract<ResponseStreamEvent, { type: "response.output_item.done" }>,
  ): Generator<StreamEvent> {
    const item = event.item;
    if (item.type === "reasoning") {
      const streamed = this.#reasoningText.get(this.#key(event))?.text ?? "";
      // Summaries that were not streamed as deltas still belong to the part.
      const text = streamed === "" ? item.summary.map((s) => s.text).join(SUMMARY_SEPARATOR) : "";
      yield {
        type: "reasoning-delta",
        text,
        providerMetadata: reasoningMetadata(item.id, item.encrypted_content),
      };
    } else if (item.type === "function_call") {
      const call =
        this.#toolCallsByOutput.get(this.#key(event)) ??
        this.#toolCalls.add({ index: event.output_index, id: item.call_id, name: item.name });
      this.#remember(this.#key(event), item.id, call);
      if (item.arguments) call.arguments = item.arguments;
      yield* this.#emitToolCall(call);
    } else if (item.type === "message") {
      for (const part of item.content)
        if (part.type === "refusal" && !this.#refusal) this.#refusal = part.refusal;
    } else if (item.type === "custom_tool_call") {
      this.#customCalls++;
      yield { type: "tool-call", call: customToolCallPart(item) };
    } else if (isWaitingItem(item)) this.#waitingOn.push(item.type);
  }

  *#emitToolCall(call: AssemblingToolCall): Generator<StreamEvent> {
    if (this.#emittedToolCalls.has(call)) return;
    this.#emittedToolCalls.add(call);
    const itemId = this.#itemIds.get(call);
    yield {
      type: "tool-call",
      call: toolCallPart(
        call.id ?? `call_${call.ordinal}`,
        call.name ?? "",
        call.arguments,
        itemId ? { openai: { itemId } } : undefined,
      ),
    };
  }

  *#finish(response: Response): Generator<StreamEvent> {
    this.#terminal = true;
    for (const call of this.#toolCalls.calls) yield* this.#emitToolCall(call);
    if (response.usage) yield { type: "usage", usage: responsesUsage(response.usage) };
    const refusal = this.#refusal || undefined;
    yield {
      type: "finish",
      ...responsesFinishReason(
        response,
        this.#toolCalls.calls.length + this.#customCalls > 0,
        !!refusal,
        this.#waitingOn,
      ),
      ...(refusal ? { refusal } : {}),
      raw: response,
    };
  }
}

/**
 * Output items that hand the turn back to the caller without a function call: the caller must run
 * a shell command, apply a patch, approve an MCP call or search its tools, and then continue.
 * Finishing such an answer with "stop" would tell the caller the model is done.
 */
const WAITING_ITEM_TYPES = new Set([
  "apply_patch_call",
  "shell_call",
  "local_shell_call",
  "mcp_approval_request",
  "tool_search_call",
  "computer_call",
]);

function isWaitingItem(item: { type: string; execution?: string }): boolean {
  // A tool search run by OpenAI (execution "server") is done when it arrives; only a client-side one waits.
  if (item.type === "tool_search_call") return item.execution === "client";
  return WAITING_ITEM_TYPES.has(item.type);
}

/**
 * A custom tool call (free-form input, no JSON schema) as a Keel tool call: `arguments` and
 * `rawArguments` are the input text, and `providerMetadata.openai.kind` says "custom" so the call
 * and its result go back to OpenAI as `custom_tool_call` / `custom_tool_call_output`.
 */
function customToolCallPart(item: {
  id?: string;
  call_id: string;
  name: string;
  input: string;
}): ToolCallPart {
  return {
    type: "tool-call",
    id: item.call_id,
    name: item.name,
    arguments: item.input,
    rawArguments: item.input,
    providerMetadata: { openai: { kind: "custom", ...(item.id ? { itemId: item.id } : {}) } },
  };
}

/** The events a non-streamed Responses API response stands for. */
export function* responseEvents(
  response: Response,
  requestId: string | undefined,
  headers?: HeadersLike,
): Generator<StreamEvent> {
  if (typeof response !== "object" || response === null || !Array.isArray(response.output))
    throw new OutputParseError(
      `OpenAI answered with something that is not a response: ${preview(response)}`,
      // Usually a proxy's or gateway's page: another attempt or endpoint may get the real answer.
      { provider: PROVIDER, body: response, retryable: true },
    );
  if (response.status === "failed")
    throw errorFromHttp(undefined, response.error ?? { message: "the response failed" }, headers, PROVIDER);
  yield metadataEvent(requestId ?? response.id, response.model);
  let refusal = "";
  let toolCalls = 0;
  const waitingOn: string[] = [];
  for (const item of response.output) {
    if (item.type === "reasoning") {
      const texts = item.summary.length > 0 ? item.summary : (item.content ?? []);
      yield {
        type: "reasoning-delta",
        text: texts.map((s) => s.text).join(SUMMARY_SEPARATOR),
        providerMetadata: reasoningMetadata(item.id, item.encrypted_content),
      };
    } else if (item.type === "message") {
      for (const part of item.content) {
        if (part.type === "output_text") {
          yield { type: "text-delta", text: part.text };
          if (part.logprobs?.length) yield { type: "logprobs", tokens: fromOpenAILogprobs(part.logprobs) };
        } else if (part.type === "refusal") refusal += part.refusal;
      }
    } else if (item.type === "custom_tool_call") {
      toolCalls++;
      yield { type: "tool-call", call: customToolCallPart(item) };
    } else if (isWaitingItem(item)) {
      waitingOn.push(item.type);
    } else if (item.type === "function_call") {
      toolCalls++;
      yield {
        type: "tool-call",
        call: toolCallPart(
          item.call_id,
          item.name,
          item.arguments,
          item.id ? { openai: { itemId: item.id } } : undefined,
        ),
      };
    }
  }
  if (response.usage) yield { type: "usage", usage: responsesUsage(response.usage) };
  yield {
    type: "finish",
    ...responsesFinishReason(response, toolCalls > 0, refusal !== "", waitingOn),
    ...(refusal ? { refusal } : {}),
    raw: response,
  };
}
