import type { BatchControl } from "./batch-types.js";

/** Wire protocol a request was recognised as, from its path. */
export type WireProtocol = "openai" | "anthropic" | "gemini" | "unknown";

/** Options for {@link startTestServer}. */
export interface TestServerOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Where `{ fixture }` paths resolve; defaults to KEEL_FIXTURES_DIR or a `../shared/fixtures/wire` found walking up. */
  fixturesDir?: string;
  /** Length of synthesized embedding vectors when the request does not ask for one (default 64). */
  embeddingDimensions?: number;
}

/** A running wire test server. */
export interface TestServer {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  /** url + "/v1": `new OpenAI({ baseURL, apiKey: "test", maxRetries: 0 })` */
  readonly openaiBaseURL: string;
  /** url: `new Anthropic({ baseURL, apiKey: "test", maxRetries: 0 })` */
  readonly anthropicBaseURL: string;
  /** url: `genAI.getGenerativeModel({ model }, { baseUrl })` */
  readonly geminiBaseURL: string;
  /** Fixtures directory in use, or undefined when none was found. */
  readonly fixturesDir: string | undefined;
  /** Queue responses; each request takes the next one (FIFO). When the queue is empty the default is used. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Response used when the queue is empty (initially: a scripted text "ok" in the request's protocol). */
  setDefault(response: ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse)): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** OpenAI Files + Batch and Anthropic Message Batches emulation: script how the next batches end. */
  readonly batches: BatchControl;
  /** Sockets currently open (to assert nothing leaks). */
  openConnections(): number;
  /** Responses still being written (a stall or slow first byte counts until it is released). */
  inFlight(): number;
  /**
   * For leak checks at the end of a test: closes every socket that carries no response (kept
   * alive by the client after one, or opened ahead by its pool), then resolves once all sockets
   * are closed. Idle sockets are closed gracefully (a FIN, then waiting for the client to close
   * its side), so when this resolves the client has dropped them from its pool and its next
   * request opens a fresh connection. Rejects after `timeoutMs` (default 2000) when some stay
   * open — a response the client never finished reading or aborting, or a client that ignores the
   * server closing. Do not call it while a request is being sent.
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Clears queue, default, recorded requests and batches. */
  reset(): void;
  /** Stops listening, destroys open sockets, ends pending stalls; resolves when the server is closed. */
  close(): Promise<void>;
}

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
