/** Wire protocol a request was recognised as, from its path. */
export type WireProtocol = "openai" | "anthropic" | "gemini" | "unknown";

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw string when the body is not JSON; undefined when empty. */
  body: any;
  protocol: WireProtocol;
  stream: boolean;
}

/**
 * Replay a recorded file (path relative to the fixtures dir, or absolute), framed by extension:
 * `.sse` raw bytes (CRLF kept; a last event that lost its blank line is completed);
 * `.chunks.jsonl` one SSE event per line (OpenAI adds `data: [DONE]`, Anthropic adds
 * `event: <type>` lines, Gemini adds neither); `.json` a body whose status defaults to the error
 * it holds (error.code, or 429 for insufficient_quota, …) else 200; `.ndjson` as
 * application/x-ndjson; `.prom` as Prometheus text. The provider comes from the fixture's folder
 * name (openai, anthropic, gemini); other folders take the request's protocol.
 */
export interface FixtureResponse {
  fixture: string;
  status?: number;
  headers?: Record<string, string>;
  /** Delay between SSE events / NDJSON lines. */
  chunkDelayMs?: number;
}

/** A tool call in a synthesized answer; `arguments` is an object, or a raw JSON string (kept verbatim). */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  arguments: unknown;
}

/** Synthesize a valid answer in the request's protocol (stream or not, as the request asked). */
export interface TextResponse {
  text: string;
  /** Number of text deltas; default: one per word (leading whitespace kept), see {@link splitText}. */
  chunks?: number;
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** Served model id; default: the one the request named. */
  model?: string;
  toolCalls?: ScriptedToolCall[];
  /** Token counts; default: estimated as ceil(chars / 4). */
  usage?: { input: number; output: number };
  /**
   * Keel names ("stop", "length", "tool-calls", "content-filter") map to each protocol's value;
   * anything else is sent verbatim (e.g. "max_tokens", "SAFETY").
   */
  finishReason?: string;
}

/** Anything by hand. */
export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
}

/** An HTTP error rendered in the request's protocol (OpenAI, Anthropic or google.rpc body). */
export interface ErrorResponse {
  error: {
    status: number;
    message: string;
    /** OpenAI error.type / Anthropic error.type / Gemini status; default from the status code. */
    type?: string;
    /** OpenAI error.code (e.g. "context_length_exceeded"). */
    code?: string;
    headers?: Record<string, string>;
  };
}

/** Faults on demand, with protocol-correct bodies and framing for the request's protocol. */
export type FaultResponse =
  /** 429 + `retry-after-ms` / `retry-after` headers as configured (Gemini: RetryInfo in the body). */
  | { fault: "rate-limit"; retryAfterMs?: number; retryAfterSeconds?: number }
  /** 429 insufficient_quota (OpenAI) / 429 RESOURCE_EXHAUSTED daily quota (Gemini) / 400 credit balance (Anthropic). */
  | { fault: "quota-exhausted" }
  | { fault: "server-error" }
  | { fault: "unavailable" }
  /** Anthropic 529 overloaded_error; others 503. */
  | { fault: "overloaded" }
  /** Destroy the socket before any response byte. */
  | { fault: "reset-before-first-byte" }
  /** Stream `afterChunks` text deltas (default 2) then destroy the socket. */
  | { fault: "reset-mid-stream"; afterChunks?: number; text?: string }
  /** Send `afterChunks` text deltas (default 2), write nothing for `stallMs`, then finish. */
  | { fault: "stall"; afterChunks?: number; stallMs: number; text?: string }
  /** Wait `delayMs` before the status line, then answer with `then` (default: the default response). */
  | { fault: "slow-first-byte"; delayMs: number; then?: ScriptedResponse }
  /** After `afterChunks` text deltas (default 2) write an unparseable `data:` line, then finish normally. */
  | { fault: "malformed-sse"; afterChunks?: number; text?: string }
  /** 200 application/json whose body is the synthesized answer cut in half. */
  | { fault: "truncated-json" }
  /** 200 text/html "<html>…" body. */
  | { fault: "wrong-content-type" }
  /** After `afterChunks` text deltas (default 2) send the protocol's in-stream error and close. */
  | { fault: "stream-error-event"; afterChunks?: number; text?: string };

/** What the server answers one request with. */
export type ScriptedResponse = FixtureResponse | TextResponse | RawResponse | ErrorResponse | FaultResponse;

/** Every fault kind, for tests that iterate over all of them. */
export type FaultKind = FaultResponse["fault"];
