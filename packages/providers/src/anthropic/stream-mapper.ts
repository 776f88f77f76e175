import { type AssistantPart, OutputParseError, type StreamEvent, type ToolCallPart } from "@keel/core";
import { toAnthropicKeelError } from "./errors.js";
import { toFinishReason } from "./finish-reason.js";
import { type AnthropicUsageFields, mergeUsageFields, toUsage } from "./usage.js";

/** One content block as it is being assembled, keyed by its `index`. */
type Block =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string; signature?: string }
  | { kind: "redacted"; data: string }
  | { kind: "tool"; id: string; name: string; json: string; startInput: unknown; call?: ToolCallPart }
  | { kind: "json-answer"; text: string }
  | { kind: "other" };

/** A raw stream event, loosely typed: Anthropic may add event and block types at any time. */
interface RawEvent {
  type: string;
  index?: number;
  message?: {
    id?: string;
    model?: string;
    usage?: AnthropicUsageFields;
    content?: Array<Record<string, any>>;
    stop_reason?: string | null;
  };
  content_block?: Record<string, any>;
  delta?: Record<string, any>;
  usage?: AnthropicUsageFields | null;
  error?: { type?: string; message?: string };
}

export interface AnthropicStreamMapperOptions {
  /** The forced JSON tool, whose input is streamed as answer text. */
  jsonToolName?: string;
  /** The `request-id` response header; the message id stands in when it is missing. */
  requestId?: string;
}

/**
 * Turns Anthropic's raw stream events into Keel stream events: text, thinking (with its
 * signature) and redacted thinking as they come; tool input assembled per block index and parsed
 * when the block stops; one `usage` (from `message_start` and `message_delta`) and the `finish`
 * at `message_stop`. A tool whose JSON was cut off (e.g. at `max_tokens`) does not fail the
 * stream: its call keeps `rawArguments`, has no `arguments`, and says why in
 * `argumentsError`.
 */
export class AnthropicStreamMapper {
  readonly #jsonToolName: string | undefined;
  readonly #requestId: string | undefined;
  readonly #blocks = new Map<number, Block>();
  #usage: AnthropicUsageFields = {};
  #stopReason: string | undefined;
  #refusal: string | undefined;
  #lastDelta: unknown;
  #started = false;
  #finished = false;

  constructor(options: AnthropicStreamMapperOptions = {}) {
    this.#jsonToolName = options.jsonToolName;
    this.#requestId = options.requestId;
  }

  /** True once `message_stop` arrived; a stream that ends before it was cut off. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The Keel events one raw event stands for (often none). Throws the typed error of an `error` event. */
  map(raw: unknown): StreamEvent[] {
    const event = raw as RawEvent;
    if (this.#finished) return [];
    switch (event.type) {
      case "message_start": {
        // A second message_start inside one message would make the events and the final response
        // disagree (blocks restart at index 0): a broken stream, worth another attempt.
        if (this.#started)
          throw new OutputParseError("Anthropic sent a second message_start before message_stop", {
            provider: "anthropic",
            body: raw,
            retryable: true,
          });
        this.#started = true;
        const message = event.message ?? {};
        this.#usage = mergeUsageFields(this.#usage, message.usage);
        if (message.stop_reason) this.#stopReason = message.stop_reason;
        const requestId = this.#requestId ?? message.id;
        const events: StreamEvent[] = [
          {
            type: "response-metadata",
            ...(requestId !== undefined ? { requestId } : {}),
            ...(message.model !== undefined ? { servedModel: message.model } : {}),
          },
        ];
        // Content that arrives whole in message_start (programmatic tool calling sends a tool_use
        // block there, with stop_reason tool_use): each block is started and stopped at once.
        message.content?.forEach((block, index) => {
          events.push(...this.#start(index, block, true), ...this.#stop(index));
        });
        return events;
      }
      case "content_block_start":
        return this.#start(event.index ?? 0, event.content_block ?? {});
      case "content_block_delta":
        return this.#delta(event.index ?? 0, event.delta ?? {});
      case "content_block_stop":
        return this.#stop(event.index ?? 0);
      case "message_delta":
        this.#lastDelta = raw;
        this.#usage = mergeUsageFields(this.#usage, event.usage);
        if (event.delta?.stop_reason) this.#stopReason = event.delta.stop_reason;
        if (event.delta?.stop_details?.explanation) this.#refusal = event.delta.stop_details.explanation;
        return [];
      case "message_stop":
        return this.#end();
      case "error":
        throw toAnthropicKeelError({
          type: event.error?.type ?? null,
          apiMessage: event.error?.message ?? null,
          message: event.error?.message ?? "error event",
          error: raw,
        });
      default:
        // ping, and event types added after this was written.
        return [];
    }
  }

  /** The answer's parts in block order: what the stream's final response holds. */
  content(): AssistantPart[] {
    const parts: AssistantPart[] = [];
    for (const [, block] of [...this.#blocks].sort(([a], [b]) => a - b)) {
      if ((block.kind === "text" || block.kind === "json-answer") && block.text !== "")
        parts.push({ type: "text", text: block.text });
      else if (block.kind === "thinking")
        parts.push({
          type: "reasoning",
          text: block.text,
          ...(block.signature !== undefined ? { signature: block.signature } : {}),
        });
      else if (block.kind === "redacted")
        parts.push({ type: "reasoning", text: "", redactedData: block.data });
      else if (block.kind === "tool" && block.call) parts.push(block.call);
    }
    return parts;
  }

  #start(index: number, block: Record<string, any>, whole = false): StreamEvent[] {
    switch (block.type) {
      case "text":
        this.#blocks.set(index, { kind: "text", text: block.text ?? "" });
        return block.text ? [{ type: "text-delta", text: block.text }] : [];
      case "thinking": {
        // A streamed block starts with signature "" (its signature_delta comes later); a whole one has it.
        const signature = whole && block.signature ? (block.signature as string) : undefined;
        this.#blocks.set(index, {
          kind: "thinking",
          text: block.thinking ?? "",
          ...(signature !== undefined ? { signature } : {}),
        });
        if (!block.thinking && signature === undefined) return [];
        return [
          {
            type: "reasoning-delta",
            text: block.thinking ?? "",
            ...(signature !== undefined ? { signature } : {}),
          },
        ];
      }
      case "redacted_thinking":
        this.#blocks.set(index, { kind: "redacted", data: block.data });
        return [{ type: "reasoning-delta", text: "", redactedData: block.data }];
      case "tool_use":
        if (block.name === this.#jsonToolName) {
          // The forced JSON tool's input is the answer text, as in a non-streamed response.
          const text = whole ? JSON.stringify(block.input ?? {}) : "";
          this.#blocks.set(index, { kind: "json-answer", text });
          return text ? [{ type: "text-delta", text }] : [];
        }
        {
          // A whole block carries its input; a streamed one starts with {} and gets input_json_delta.
          const json = whole && block.input !== undefined ? JSON.stringify(block.input) : "";
          this.#blocks.set(index, {
            kind: "tool",
            id: block.id,
            name: block.name,
            json,
            startInput: block.input,
          });
          return [{ type: "tool-call-delta", index, id: block.id, name: block.name, argumentsDelta: json }];
        }
      default:
        // Server tool blocks (web search and the like) have no Keel part.
        this.#blocks.set(index, { kind: "other" });
        return [];
    }
  }

  #delta(index: number, delta: Record<string, any>): StreamEvent[] {
    const block = this.#blocks.get(index);
    if (!block) return [];
    if (delta.type === "text_delta" && block.kind === "text") {
      block.text += delta.text;
      return delta.text ? [{ type: "text-delta", text: delta.text }] : [];
    }
    if (delta.type === "thinking_delta" && block.kind === "thinking") {
      block.text += delta.thinking;
      return delta.thinking ? [{ type: "reasoning-delta", text: delta.thinking }] : [];
    }
    if (delta.type === "signature_delta" && block.kind === "thinking") {
      block.signature = delta.signature;
      return [{ type: "reasoning-delta", text: "", signature: delta.signature }];
    }
    if (delta.type === "input_json_delta" && delta.partial_json) {
      if (block.kind === "json-answer") {
        block.text += delta.partial_json;
        return [{ type: "text-delta", text: delta.partial_json }];
      }
      if (block.kind === "tool") {
        block.json += delta.partial_json;
        return [{ type: "tool-call-delta", index, argumentsDelta: delta.partial_json }];
      }
    }
    // citations_delta and deltas of unknown type carry nothing Keel keeps.
    return [];
  }

  #stop(index: number): StreamEvent[] {
    const block = this.#blocks.get(index);
    if (block?.kind !== "tool" || block.call) return [];
    block.call = toolCall(block);
    return [{ type: "tool-call", call: block.call }];
  }

  #end(): StreamEvent[] {
    this.#finished = true;
    const events: StreamEvent[] = [];
    // A tool block left open (the answer hit max_tokens) still yields its call, flagged.
    for (const [index, block] of [...this.#blocks].sort(([a], [b]) => a - b)) {
      if (block.kind === "tool" && !block.call) events.push(...this.#stop(index));
    }
    const jsonAnswer = [...this.#blocks.values()].some((b) => b.kind === "json-answer");
    const finishReason =
      jsonAnswer && this.#stopReason === "tool_use" ? "stop" : toFinishReason(this.#stopReason);
    events.push({ type: "usage", usage: toUsage(this.#usage) });
    events.push({
      type: "finish",
      finishReason,
      ...(this.#stopReason !== undefined ? { rawFinishReason: this.#stopReason } : {}),
      ...(this.#refusal !== undefined ? { refusal: this.#refusal } : {}),
      ...(this.#lastDelta !== undefined ? { raw: this.#lastDelta } : {}),
    });
    return events;
  }
}

/** The finished call of a tool block; JSON that does not parse is kept raw and flagged, not thrown. */
function toolCall(block: Extract<Block, { kind: "tool" }>): ToolCallPart {
  const base = { type: "tool-call" as const, id: block.id, name: block.name, rawArguments: block.json };
  // A tool without parameters may stream no input at all.
  if (block.json.trim() === "") return { ...base, arguments: block.startInput ?? {} };
  try {
    return { ...base, arguments: JSON.parse(block.json) };
  } catch (error) {
    return { ...base, arguments: undefined, argumentsError: (error as Error).message };
  }
}
