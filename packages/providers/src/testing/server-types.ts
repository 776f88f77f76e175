import type { BatchControl } from "./batch-types.js";
import type { RecordedRequest, ScriptedResponse } from "./types.js";

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
