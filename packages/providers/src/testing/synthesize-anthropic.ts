import { type Answer, finishReasonFor, requireArgumentsObject } from "./answer.js";
import { type Frame, frame, type Synthesized, sseEvent, textFrame } from "./synthesized.js";
import { fragments } from "./text-chunks.js";

/** Anthropic Messages: a `message` body, or message_start … message_stop events with `event:` lines. */
export function synthesizeAnthropic(answer: Answer, stream: boolean): Synthesized {
  return stream ? { kind: "sse", frames: messageEvents(answer) } : { kind: "json", body: message(answer) };
}

/** Anthropic's mid-stream failure: `event: error` with overloaded_error, then the connection closes. */
export function anthropicStreamErrorFrames(): string[] {
  return [
    sseEvent(
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      { event: "error" },
    ),
  ];
}

/** A correctly framed content_block_delta event whose data is unterminated JSON. */
export function anthropicMalformedFrame(): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\n\n`;
}

function toolUseId(answer: Answer, index: number): string {
  return answer.toolCalls[index]!.id ?? `toolu_keel${answer.seq}_${index}`;
}

function hasTextBlock(answer: Answer): boolean {
  return answer.text !== "" || answer.toolCalls.length === 0;
}

function usage(answer: Answer, outputTokens: number) {
  return {
    input_tokens: answer.usage.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  };
}

function message(answer: Answer) {
  const content: unknown[] = hasTextBlock(answer) ? [{ type: "text", text: answer.text }] : [];
  answer.toolCalls.forEach((call, index) => {
    content.push({
      type: "tool_use",
      id: toolUseId(answer, index),
      name: call.name,
      input: requireArgumentsObject(call, "a non-streamed Anthropic tool_use"),
    });
  });
  return {
    id: `msg_keel${answer.seq}`,
    type: "message",
    role: "assistant",
    model: answer.model,
    content,
    stop_reason: finishReasonFor("anthropic", answer),
    stop_sequence: null,
    usage: { ...usage(answer, answer.usage.output), service_tier: "standard" },
  };
}

function messageEvents(answer: Answer): Frame[] {
  const event = (payload: { type: string } & Record<string, unknown>) =>
    sseEvent(payload, { event: payload.type });
  const frames: Frame[] = [
    frame(
      event({
        type: "message_start",
        message: {
          id: `msg_keel${answer.seq}`,
          type: "message",
          role: "assistant",
          model: answer.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage(answer, 1), service_tier: "standard" },
        },
      }),
    ),
  ];
  let index = 0;
  if (hasTextBlock(answer)) {
    frames.push(
      frame(event({ type: "content_block_start", index, content_block: { type: "text", text: "" } })),
    );
    // Real pings are written with a space after the colon.
    frames.push(frame('event: ping\ndata: {"type": "ping"}\n\n'));
    for (const text of answer.pieces) {
      frames.push(
        textFrame(event({ type: "content_block_delta", index, delta: { type: "text_delta", text } })),
      );
    }
    frames.push(frame(event({ type: "content_block_stop", index })));
    index += 1;
  }
  answer.toolCalls.forEach((call, callIndex) => {
    const content_block = { type: "tool_use", id: toolUseId(answer, callIndex), name: call.name, input: {} };
    frames.push(frame(event({ type: "content_block_start", index, content_block })));
    // The first input_json_delta is empty in real streams; fragments are sent verbatim, so a scripted
    // non-object string streams as the incomplete JSON a max_tokens stop leaves behind.
    for (const partial_json of ["", ...fragments(call.argumentsJson)]) {
      frames.push(
        frame(
          event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } }),
        ),
      );
    }
    frames.push(frame(event({ type: "content_block_stop", index })));
    index += 1;
  });
  frames.push(
    frame(
      event({
        type: "message_delta",
        delta: { stop_reason: finishReasonFor("anthropic", answer), stop_sequence: null },
        usage: usage(answer, answer.usage.output),
      }),
    ),
  );
  frames.push(frame(event({ type: "message_stop" })));
  return frames;
}
