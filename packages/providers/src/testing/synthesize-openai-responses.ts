import { type Answer, finishReasonFor } from "./answer.js";
import { type Frame, frame, type Synthesized, sseEvent, textFrame } from "./synthesized.js";
import { fragments } from "./text-chunks.js";

/** OpenAI Responses API: a `response` object, or its typed SSE events ending in `response.completed`. */
export function synthesizeOpenAIResponses(answer: Answer, stream: boolean): Synthesized {
  return stream
    ? { kind: "sse", frames: responseEvents(answer) }
    : { kind: "json", body: responseObject(answer) };
}

/** Responses API in-stream failure, as recorded: an `error` event, then `response.failed`. */
export function responsesStreamErrorFrames(answer: Answer, sequenceNumber: number): string[] {
  const error = {
    type: "server_error",
    code: "server_error",
    message: "The server had an error while processing your request. Sorry about that!",
    param: null,
  };
  const failed = { ...responseObject(answer), status: "failed", error, output: [], usage: null };
  return [
    sseEvent({ type: "error", sequence_number: sequenceNumber, error }, { event: "error" }),
    sseEvent(
      { type: "response.failed", sequence_number: sequenceNumber + 1, response: failed },
      { event: "response.failed" },
    ),
  ];
}

/** A correctly framed Responses event whose data is unterminated JSON. */
export function responsesMalformedFrame(): string {
  return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"\n\n`;
}

function messageItem(answer: Answer, status: "in_progress" | "completed") {
  return {
    id: `msg_keel${answer.seq}`,
    type: "message",
    status,
    content:
      status === "completed"
        ? [{ type: "output_text", annotations: [], logprobs: [], text: answer.text }]
        : [],
    role: "assistant",
  };
}

function functionCallItem(answer: Answer, index: number, status: "in_progress" | "completed") {
  const call = answer.toolCalls[index]!;
  return {
    id: `fc_keel${answer.seq}_${index}`,
    type: "function_call",
    status,
    arguments: status === "completed" ? call.argumentsJson : "",
    call_id: call.id ?? `call_keel${answer.seq}_${index}`,
    name: call.name,
  };
}

function hasMessage(answer: Answer): boolean {
  return answer.text !== "" || answer.toolCalls.length === 0;
}

function responseObject(answer: Answer, status?: "in_progress") {
  const truncated = finishReasonFor("openai", answer) === "length";
  const output = [
    ...(hasMessage(answer) ? [messageItem(answer, "completed")] : []),
    ...answer.toolCalls.map((_, index) => functionCallItem(answer, index, "completed")),
  ];
  const done = status === undefined;
  return {
    id: `resp_keel${answer.seq}`,
    object: "response",
    created_at: answer.created,
    status: done ? (truncated ? "incomplete" : "completed") : status,
    background: false,
    error: null,
    incomplete_details: done && truncated ? { reason: "max_output_tokens" } : null,
    instructions: answer.body?.instructions ?? null,
    max_output_tokens: answer.body?.max_output_tokens ?? null,
    model: answer.model,
    output: done ? output : [],
    parallel_tool_calls: true,
    previous_response_id: answer.body?.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: answer.body?.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    usage: done
      ? {
          input_tokens: answer.usage.input,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: answer.usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: answer.usage.input + answer.usage.output,
        }
      : null,
    user: null,
    metadata: {},
  };
}

function responseEvents(answer: Answer): Frame[] {
  const frames: Frame[] = [];
  const push = (payload: Record<string, unknown>, text = false) => {
    const data = sseEvent({ ...payload, sequence_number: frames.length }, { event: String(payload.type) });
    frames.push(text ? textFrame(data) : frame(data));
  };
  push({ type: "response.created", response: responseObject(answer, "in_progress") });
  push({ type: "response.in_progress", response: responseObject(answer, "in_progress") });
  let outputIndex = 0;
  if (hasMessage(answer)) {
    const item_id = `msg_keel${answer.seq}`;
    const part = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
    const at = { item_id, output_index: outputIndex, content_index: 0 };
    push({
      type: "response.output_item.added",
      output_index: outputIndex,
      item: messageItem(answer, "in_progress"),
    });
    push({ type: "response.content_part.added", ...at, part: part("") });
    for (const delta of answer.pieces)
      push({ type: "response.output_text.delta", ...at, delta, logprobs: [] }, true);
    push({ type: "response.output_text.done", ...at, text: answer.text, logprobs: [] });
    push({ type: "response.content_part.done", ...at, part: part(answer.text) });
    push({
      type: "response.output_item.done",
      output_index: outputIndex,
      item: messageItem(answer, "completed"),
    });
    outputIndex += 1;
  }
  answer.toolCalls.forEach((call, index) => {
    const item_id = `fc_keel${answer.seq}_${index}`;
    const output_index = outputIndex + index;
    push({
      type: "response.output_item.added",
      output_index,
      item: functionCallItem(answer, index, "in_progress"),
    });
    for (const delta of fragments(call.argumentsJson)) {
      push({ type: "response.function_call_arguments.delta", item_id, output_index, delta });
    }
    push({
      type: "response.function_call_arguments.done",
      item_id,
      output_index,
      arguments: call.argumentsJson,
    });
    push({
      type: "response.output_item.done",
      output_index,
      item: functionCallItem(answer, index, "completed"),
    });
  });
  const final = responseObject(answer);
  push({
    type: final.status === "incomplete" ? "response.incomplete" : "response.completed",
    response: final,
  });
  return frames;
}
