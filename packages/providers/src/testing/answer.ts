import { InvalidRequestError } from "@keel/core";
import type { Route } from "./protocol-detect.js";
import { estimateTokens, promptOf, splitText } from "./text-chunks.js";
import type { TextResponse, WireProtocol } from "./types.js";

/** A tool call ready to render: arguments as sent on the wire and, when they parse, as an object. */
export interface AnswerToolCall {
  id: string | undefined;
  name: string;
  argumentsJson: string;
  /** Undefined when `argumentsJson` is not a JSON object (OpenAI can still send it verbatim). */
  argumentsObject: Record<string, unknown> | undefined;
}

/** Everything a protocol synthesizer needs, protocol-neutral. */
export interface Answer {
  /** Sequence number of the request on this server; makes ids deterministic. */
  seq: number;
  text: string;
  pieces: string[];
  model: string;
  toolCalls: AnswerToolCall[];
  usage: { input: number; output: number };
  /** Finish reason as scripted (Keel name or raw), if any. */
  finishReason: string | undefined;
  chunkDelayMs: number;
  body: any;
  created: number;
}

const KEEL_FINISH: Record<string, Record<"openai" | "anthropic" | "gemini", string>> = {
  stop: { openai: "stop", anthropic: "end_turn", gemini: "STOP" },
  length: { openai: "length", anthropic: "max_tokens", gemini: "MAX_TOKENS" },
  "tool-calls": { openai: "tool_calls", anthropic: "tool_use", gemini: "STOP" },
  "content-filter": { openai: "content_filter", anthropic: "refusal", gemini: "SAFETY" },
};

/** Builds the protocol-neutral answer for a scripted text response to one request. */
export function buildAnswer(script: TextResponse, route: Route, body: unknown, seq: number): Answer {
  const toolCalls = (script.toolCalls ?? []).map(toToolCall);
  const output = estimateTokens(script.text + toolCalls.map((call) => call.argumentsJson).join(""));
  return {
    seq,
    text: script.text,
    pieces: splitText(script.text, script.chunks),
    model: script.model ?? route.model ?? "keel-test-model",
    toolCalls,
    usage: script.usage ?? { input: estimateTokens(promptOf(body)), output },
    finishReason: script.finishReason,
    chunkDelayMs: script.chunkDelayMs ?? 0,
    body,
    created: Math.floor(Date.now() / 1000),
  };
}

/** The finish reason in a protocol's vocabulary: scripted (Keel names mapped), else stop / tool calls. */
export function finishReasonFor(protocol: "openai" | "anthropic" | "gemini", answer: Answer): string {
  const scripted = answer.finishReason;
  if (scripted !== undefined) return KEEL_FINISH[scripted]?.[protocol] ?? scripted;
  return KEEL_FINISH[answer.toolCalls.length > 0 ? "tool-calls" : "stop"]![protocol];
}

/** Protocol vocabulary for an answer's protocol, with "unknown" spoken as OpenAI. */
export function dialectOf(protocol: WireProtocol): "openai" | "anthropic" | "gemini" {
  return protocol === "unknown" ? "openai" : protocol;
}

function toToolCall(call: { id?: string; name: string; arguments: unknown }): AnswerToolCall {
  if (typeof call.name !== "string" || call.name === "") {
    throw new InvalidRequestError("keel test server: every toolCalls entry needs a non-empty name");
  }
  const argumentsJson =
    typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
  return { id: call.id, name: call.name, argumentsJson, argumentsObject: parseObject(argumentsJson) };
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Arguments as an object for protocols that only carry objects; explains the problem otherwise. */
export function requireArgumentsObject(call: AnswerToolCall, protocol: string): Record<string, unknown> {
  if (call.argumentsObject) return call.argumentsObject;
  throw new InvalidRequestError(
    `keel test server: tool call "${call.name}" has arguments ${JSON.stringify(call.argumentsJson)}, which is not a JSON object; ${protocol} can only carry an object here`,
  );
}
