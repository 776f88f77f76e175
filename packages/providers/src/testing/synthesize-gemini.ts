import { type Answer, finishReasonFor, requireArgumentsObject } from "./answer.js";
import { frame, type Synthesized, sseEvent, textFrame } from "./synthesized.js";

/** Gemini's recorded streams separate events with CRLF. */
const EOL = "\r\n";

/**
 * Gemini generateContent: one GenerateContentResponse; streamGenerateContent: one per SSE event
 * (`alt=sse`), or all of them as one JSON array (no `alt=sse`, as the real endpoint does).
 */
export function synthesizeGemini(answer: Answer, stream: boolean, jsonArray: boolean): Synthesized {
  if (!stream) return { kind: "json", body: fullResponse(answer) };
  const chunks = streamChunks(answer);
  if (jsonArray) return { kind: "json", body: chunks.map((chunk) => chunk.body) };
  return {
    kind: "sse",
    frames: chunks.map((chunk) => {
      const data = sseEvent(chunk.body, { eol: EOL });
      return chunk.text ? textFrame(data) : frame(data);
    }),
  };
}

/**
 * Gemini's mid-stream failure as recorded (Vertex): a bare, non-SSE google.rpc JSON error after
 * the events, then the connection closes.
 */
export function geminiStreamErrorFrames(): string[] {
  const error = {
    error: {
      code: 500,
      message:
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
      status: "INTERNAL",
    },
  };
  return [`${JSON.stringify(error, null, 2)}\n`];
}

/** A correctly framed event whose data is unterminated JSON. */
export function geminiMalformedFrame(): string {
  return `data: {"candidates": [{"content": {"parts": [{"text": "${EOL}${EOL}`;
}

/** Gemini countTokens answer. */
export function geminiCountTokens(answer: Answer) {
  return {
    totalTokens: answer.usage.input,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: answer.usage.input }],
  };
}

function promptDetails(answer: Answer) {
  return [{ modality: "TEXT", tokenCount: answer.usage.input }];
}

function finalUsage(answer: Answer) {
  return {
    promptTokenCount: answer.usage.input,
    candidatesTokenCount: answer.usage.output,
    totalTokenCount: answer.usage.input + answer.usage.output,
    promptTokensDetails: promptDetails(answer),
  };
}

function functionCallParts(answer: Answer) {
  // Gemini function calls carry no id; clients match results by name and position.
  return answer.toolCalls.map((call) => ({
    functionCall: { name: call.name, args: requireArgumentsObject(call, "a Gemini functionCall") },
  }));
}

function response(answer: Answer, parts: unknown[], final: boolean) {
  const candidate: Record<string, unknown> = { content: { parts, role: "model" } };
  if (final) candidate.finishReason = finishReasonFor("gemini", answer);
  candidate.index = 0;
  return {
    candidates: [candidate],
    usageMetadata: final
      ? finalUsage(answer)
      : {
          promptTokenCount: answer.usage.input,
          totalTokenCount: answer.usage.input,
          promptTokensDetails: promptDetails(answer),
        },
    modelVersion: answer.model,
    responseId: `keel${answer.seq}`,
  };
}

function fullResponse(answer: Answer) {
  const parts = [
    ...(answer.text !== "" || answer.toolCalls.length === 0 ? [{ text: answer.text }] : []),
    ...functionCallParts(answer),
  ];
  return response(answer, parts, true);
}

function streamChunks(answer: Answer): Array<{ body: unknown; text: boolean }> {
  const calls = functionCallParts(answer);
  const pieces = answer.pieces.length > 0 || calls.length > 0 ? answer.pieces : [""];
  // Usage is cumulative on every chunk; finishReason and candidate counts ride on the last one.
  const chunks = pieces.map((text, i) => ({
    body: response(answer, [{ text }], calls.length === 0 && i === pieces.length - 1),
    text: text !== "",
  }));
  if (calls.length > 0) chunks.push({ body: response(answer, calls, true), text: false });
  return chunks;
}
