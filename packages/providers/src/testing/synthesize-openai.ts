import { type Answer, finishReasonFor } from "./answer.js";
import { type Frame, frame, type Synthesized, sseEvent, textFrame } from "./synthesized.js";
import { fragments } from "./text-chunks.js";

/** OpenAI chat.completion (non-stream) or chat.completion.chunk SSE events ending in `data: [DONE]`. */
export function synthesizeOpenAIChat(answer: Answer, stream: boolean): Synthesized {
  return stream
    ? { kind: "sse", frames: chatChunks(answer) }
    : { kind: "json", body: chatCompletion(answer) };
}

/** The in-stream error OpenAI-compatible servers send: a data payload with an `error` key, then close (no [DONE]). */
export function openaiStreamErrorFrames(): string[] {
  return [
    sseEvent({
      error: {
        message: "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
        param: null,
        code: null,
      },
    }),
  ];
}

/** A correctly framed SSE event whose data is unterminated JSON. */
export function openaiMalformedFrame(answer: Answer): string {
  return `data: {"id":"${chatId(answer)}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`;
}

function chatId(answer: Answer): string {
  return `chatcmpl-keel${answer.seq}`;
}

function toolCallId(answer: Answer, index: number): string {
  return answer.toolCalls[index]!.id ?? `call_keel${answer.seq}_${index}`;
}

function usageOf(answer: Answer) {
  return {
    prompt_tokens: answer.usage.input,
    completion_tokens: answer.usage.output,
    total_tokens: answer.usage.input + answer.usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatCompletion(answer: Answer) {
  const hasTools = answer.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: "assistant",
    content: answer.text === "" && hasTools ? null : answer.text,
    refusal: null,
    annotations: [],
  };
  if (hasTools) {
    message.tool_calls = answer.toolCalls.map((call, index) => ({
      id: toolCallId(answer, index),
      type: "function",
      function: { name: call.name, arguments: call.argumentsJson },
    }));
  }
  return {
    id: chatId(answer),
    object: "chat.completion",
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonFor("openai", answer) }],
    usage: usageOf(answer),
    service_tier: "default",
    system_fingerprint: "fp_keel_test",
  };
}

function chatChunks(answer: Answer): Frame[] {
  const includeUsage = answer.body?.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sseEvent({
      id: chatId(answer),
      object: "chat.completion.chunk",
      created: answer.created,
      model: answer.model,
      service_tier: "default",
      system_fingerprint: "fp_keel_test",
      choices,
      // With include_usage every chunk carries `usage: null` except the final usage chunk.
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    });
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => [
    { index: 0, delta, logprobs: null, finish_reason: finishReason },
  ];
  const toolHeader = (index: number) => ({
    index,
    id: toolCallId(answer, index),
    type: "function",
    function: { name: answer.toolCalls[index]!.name, arguments: "" },
  });

  const frames: Frame[] = [];
  const toolsOnly = answer.text === "" && answer.toolCalls.length > 0;
  // Real tool-only streams open with the role and the first call's header in one delta.
  frames.push(
    frame(
      chunk(
        choice(
          toolsOnly
            ? { role: "assistant", content: null, tool_calls: [toolHeader(0)], refusal: null }
            : { role: "assistant", content: "", refusal: null },
        ),
      ),
    ),
  );
  for (const piece of answer.pieces) frames.push(textFrame(chunk(choice({ content: piece }))));
  answer.toolCalls.forEach((call, index) => {
    if (!(toolsOnly && index === 0)) frames.push(frame(chunk(choice({ tool_calls: [toolHeader(index)] }))));
    for (const part of fragments(call.argumentsJson)) {
      frames.push(frame(chunk(choice({ tool_calls: [{ index, function: { arguments: part } }] }))));
    }
  });
  frames.push(frame(chunk(choice({}, finishReasonFor("openai", answer)))));
  if (includeUsage) frames.push(frame(chunk([], { usage: usageOf(answer) })));
  frames.push(frame(sseEvent("[DONE]")));
  return frames;
}
