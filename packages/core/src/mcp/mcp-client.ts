import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { GetPromptResult, Tool as McpTool, Prompt, Resource } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { abortReason, sleep } from "../abort.js";
import { AbortedError, type KeelError, ProviderUnavailableError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { Message } from "../messages.js";
import "./mcp-events.js";
import type { AnyTool } from "../tools/tool.js";
import type { McpApprovalPolicy } from "./approval-policy.js";
import { type McpCallResult, type McpPart, toCallResult } from "./call-result.js";
import { bindIsolate, type IsolateHook } from "./isolate.js";
import { toMcpKeelError } from "./mcp-errors.js";
import { promptMessages, resourceParts } from "./prompts-resources.js";
import { AjvJsonSchemaValidator, Client, ToolListChangedNotificationSchema } from "./sdk.js";
import { toKeelTools } from "./to-keel-tools.js";
import { connectTransport, type McpServerConfig } from "./transports.js";

/** How a client reconnects after its server went away. */
export interface ReconnectOptions {
  /** Connection attempts per use before giving up. Default 4. */
  attempts?: number;
  /** Delay before the second attempt, doubled after each failure. Default 200 ms. */
  initialDelayMs?: number;
  /** Cap on the delay. Default 5 s. */
  maxDelayMs?: number;
}

/** Options of `mcpClient`. */
export interface McpClientOptions {
  /** A short name for the server, used in errors (`provider: "mcp:<name>"`) and isolation origins. */
  name: string;
  server: McpServerConfig;
  /** Only these MCP tools (by their MCP name) become Keel tools. Default: all. */
  allowTools?: readonly string[];
  /** Prepended to each Keel tool name as `prefix_`, to keep several servers' tools apart. */
  toolPrefix?: string;
  /** Which tools need approval; default `destructive`. */
  approval?: McpApprovalPolicy;
  /** `timeoutMs` given to every Keel tool of this server. */
  toolTimeoutMs?: number;
  /** Time limit of each MCP request, as the SDK applies it (default: the SDK's 60 s). */
  requestTimeoutMs?: number;
  /** Isolation of untrusted text (tool descriptions, results, resources, prompts) before a model reads it. */
  isolate?: IsolateHook;
  /**
   * What a tool with images, audio or blobs returns to the loop: `describe` (default) gives the
   * model text with a line per binary part; `parts` gives the core parts themselves.
   */
  binaryResults?: "describe" | "parts";
  /** Validates tool inputs against their JSON Schema. Default: the SDK's ajv validator. */
  validator?: jsonSchemaValidator;
  reconnect?: ReconnectOptions;
  /** Called with the new Keel tools after the server said its tool list changed. */
  onToolsChanged?: (tools: AnyTool[]) => void;
  /** Called with errors no caller is waiting for (a failed refresh, a transport error). */
  onError?: (error: KeelError) => void;
  /** The client's name and version sent in `initialize`. */
  clientInfo?: { name: string; version: string };
  /** Where `mcp.*` events go (connected, connect.failed, disconnected, tools.changed). Default: the process-wide hub. */
  events?: EventHub;
}

/** How long a liveness probe after a transport error waits for the server's answer. */
const PROBE_TIMEOUT_MS = 5_000;

/** One server's session. */
interface Session {
  client: Client;
  transport: Transport;
  closed: boolean;
}

/**
 * A client of one MCP server, shared across calls: it connects on first use, reconnects with
 * backoff on the next use after the server went away, turns the server's tools into Keel tools,
 * and reads resources and prompts. `close()` ends the session and any child process.
 */
export class McpClient {
  readonly name: string;
  readonly #options: McpClientOptions;
  readonly #validator: jsonSchemaValidator;
  readonly #events: EventHub;
  #session: Promise<Session> | undefined;
  #tools: Promise<AnyTool[]> | undefined;
  #closed = false;
  #generation = 0;
  #open: Session | undefined;
  readonly #closing = new AbortController();

  constructor(options: McpClientOptions) {
    this.name = options.name;
    this.#options = options;
    this.#validator = options.validator ?? new AjvJsonSchemaValidator();
    this.#events = options.events ?? globalEvents;
  }

  /** Connects now (otherwise the first use does); resolves once the session is initialized. */
  async connect(signal?: AbortSignal): Promise<void> {
    await untilAborted(this.#connected(), signal);
  }

  /** True while a session is open. */
  get connected(): boolean {
    return this.#open !== undefined && !this.#open.closed;
  }

  /** The process id of a stdio server's child, while connected. */
  get pid(): number | undefined {
    return this.connected ? ((this.#open!.transport as { pid?: number | null }).pid ?? undefined) : undefined;
  }

  /** The server's name and version from the current session, if connected. */
  async serverVersion(): Promise<{ name: string; version: string } | undefined> {
    return (await this.#connected()).client.getServerVersion();
  }

  /** Every tool the server lists (all pages), as the server describes them. */
  async listTools(signal?: AbortSignal): Promise<McpTool[]> {
    return this.#request("listing tools", signal, async (client, options) => {
      const all: McpTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, options);
        all.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    });
  }

  /**
   * The server's tools as Keel tools, for `runTools`: allow-listed, renamed to provider-safe
   * names, input validated against the server's JSON Schema, descriptions isolated, approval set
   * by policy. Cached; refreshed when the server says its list changed or after a reconnect.
   */
  tools(signal?: AbortSignal): Promise<AnyTool[]> {
    if (!this.#tools) {
      // Shared by every caller, so it is not tied to one caller's signal.
      const pending = this.listTools().then((list) => this.#toKeel(list));
      this.#tools = pending;
      pending.catch(() => {
        if (this.#tools === pending) this.#tools = undefined;
      });
    }
    return untilAborted(this.#tools, signal);
  }

  /**
   * Calls a tool by its MCP name. Resolves with the result in core parts, also when the tool
   * reported failure (`isError`); rejects with a typed error when the call itself failed. An
   * abort of `signal` cancels the call on the server (`notifications/cancelled`).
   */
  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    const result = await this.#request(`MCP tool "${name}"`, signal, (client, options) =>
      // A progress handler makes the SDK ask the server for progress notifications; each one
      // restarts the request timeout, so a long tool that reports progress is not cut off.
      client.callTool({ name, arguments: args }, undefined, {
        ...options,
        onprogress: () => {},
        resetTimeoutOnProgress: true,
      }),
    );
    return toCallResult(
      result as Parameters<typeof toCallResult>[0],
      bindIsolate(this.#options.isolate, { server: this.name, kind: "tool-result", name }),
    );
  }

  /** Every resource the server lists (all pages). */
  async listResources(signal?: AbortSignal): Promise<Resource[]> {
    return this.#request("listing resources", signal, async (client, options) => {
      const all: Resource[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listResources(cursor ? { cursor } : {}, options);
        all.push(...page.resources);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    });
  }

  /** Reads a resource into core parts: text isolated, images as image parts, other blobs as files. */
  async readResource(uri: string, signal?: AbortSignal): Promise<McpPart[]> {
    const result = await this.#request(`reading resource ${uri}`, signal, (client, options) =>
      client.readResource({ uri }, options),
    );
    return resourceParts(
      result.contents,
      bindIsolate(this.#options.isolate, { server: this.name, kind: "resource", name: uri }),
    );
  }

  /** Reads a resource into a user message, to put in a conversation as context. */
  async resourceMessage(uri: string, signal?: AbortSignal): Promise<Message> {
    return { role: "user", content: await this.readResource(uri, signal) };
  }

  /** Every prompt the server lists (all pages). */
  async listPrompts(signal?: AbortSignal): Promise<Prompt[]> {
    return this.#request("listing prompts", signal, async (client, options) => {
      const all: Prompt[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listPrompts(cursor ? { cursor } : {}, options);
        all.push(...page.prompts);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    });
  }

  /** Fetches a prompt with its arguments as a list of messages. */
  async getPrompt(name: string, args: Record<string, string> = {}, signal?: AbortSignal): Promise<Message[]> {
    const result: GetPromptResult = await this.#request(`prompt "${name}"`, signal, (client, options) =>
      client.getPrompt({ name, arguments: args }, options),
    );
    return promptMessages(
      result,
      bindIsolate(this.#options.isolate, { server: this.name, kind: "prompt", name }),
    );
  }

  /** Ends the session: closes the transport (a stdio child is ended, an HTTP session terminated). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort(new AbortedError(`the MCP client "${this.name}" was closed`));
    const session = this.#session;
    this.#session = undefined;
    this.#tools = undefined;
    this.#open = undefined;
    if (!session) return;
    const open = await session.catch(() => undefined);
    if (!open) return;
    open.closed = true;
    await terminate(open.client);
  }

  async #request<T>(
    what: string,
    signal: AbortSignal | undefined,
    run: (client: Client, options: RequestOptions) => Promise<T>,
  ): Promise<T> {
    const session = await untilAborted(this.#connected(), signal);
    const options: RequestOptions = {
      ...(signal ? { signal } : {}),
      ...(this.#options.requestTimeoutMs !== undefined ? { timeout: this.#options.requestTimeoutMs } : {}),
    };
    try {
      return await run(session.client, options);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw toMcpKeelError(error, this.name, what);
    }
  }

  /** The open session, connecting (with backoff) when there is none. */
  #connected(): Promise<Session> {
    if (this.#closed)
      return Promise.reject(
        new ProviderUnavailableError(`the MCP client "${this.name}" is closed`, {
          provider: `mcp:${this.name}`,
          retryable: false,
        }),
      );
    if (!this.#session) {
      // Shared by every caller, so no one caller's abort ends it; only close() does.
      const pending = this.#connectWithBackoff(this.#closing.signal);
      this.#session = pending;
      pending.catch(() => {
        if (this.#session === pending) this.#session = undefined;
      });
    }
    return this.#session;
  }

  async #connectWithBackoff(signal: AbortSignal): Promise<Session> {
    const { attempts = 4, initialDelayMs = 200, maxDelayMs = 5_000 } = this.#options.reconnect ?? {};
    const generation = ++this.#generation;
    let delay = initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const session = await this.#start(generation, signal);
        if (this.#closed) {
          await terminate(session.client);
          throw new AbortedError(`the MCP client "${this.name}" was closed while connecting`);
        }
        this.#events.emit("mcp.connected", {
          server: this.name,
          transport: this.#options.server.transport,
          attempt,
        });
        return session;
      } catch (error) {
        const keel = toMcpKeelError(error, this.name, `connecting to MCP server "${this.name}"`);
        // A bad configuration (an invalid URL) is not retried; a server that is down or gone is.
        const last = this.#closed || !keel.retryable || attempt >= attempts;
        this.#events.emit("mcp.connect.failed", {
          server: this.name,
          attempt,
          error: keel,
          ...(last ? {} : { retryInMs: delay }),
        });
        if (last) throw keel;
        await sleep(delay, signal).catch(() => {});
        if (this.#closed) throw keel;
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
  }

  async #start(generation: number, signal: AbortSignal | undefined): Promise<Session> {
    const info = this.#options.clientInfo ?? { name: "keel", version: "0.1.0" };
    const { client, transport } = await connectTransport(
      this.#options.server,
      () => new Client(info),
      signal,
    );
    const session: Session = { client, transport, closed: false };
    this.#open = session;
    client.onclose = () => {
      if (session.closed) return;
      session.closed = true;
      this.#events.emit("mcp.disconnected", { server: this.name });
      // The server went away: the next use reconnects, and its tools are listed afresh.
      if (this.#generation === generation) {
        this.#session = undefined;
        this.#tools = undefined;
      }
    };
    let probing = false;
    client.onerror = (error) => {
      this.#options.onError?.(toMcpKeelError(error, this.name, `MCP server "${this.name}" transport`));
      // Over HTTP a dropped response stream is reported only as a transport error and the call
      // waiting on it would hang until its timeout. If the server no longer answers a ping,
      // close the session: waiting calls then fail at once and the next use reconnects.
      if (this.#options.server.transport === "stdio" || session.closed || probing) return;
      probing = true;
      client.ping({ timeout: PROBE_TIMEOUT_MS }).then(
        () => {
          probing = false;
        },
        () => void client.close().catch(() => {}),
      );
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (session.closed) return;
      this.#tools = undefined;
      this.tools().then(
        (tools) => {
          this.#events.emit("mcp.tools.changed", { server: this.name, tools: tools.length });
          this.#options.onToolsChanged?.(tools);
        },
        (error) => this.#options.onError?.(toMcpKeelError(error, this.name, "refreshing tools")),
      );
    });
    return session;
  }

  #toKeel(list: McpTool[]): AnyTool[] {
    const o = this.#options;
    return toKeelTools(list, {
      server: this.name,
      validator: this.#validator,
      call: (name, args, signal) => this.callTool(name, args, signal),
      ...(o.allowTools ? { allowTools: o.allowTools } : {}),
      ...(o.toolPrefix !== undefined ? { prefix: o.toolPrefix } : {}),
      approval: o.approval ?? "destructive",
      ...(o.toolTimeoutMs !== undefined ? { timeoutMs: o.toolTimeoutMs } : {}),
      ...(o.isolate ? { isolate: o.isolate } : {}),
      binaryResults: o.binaryResults ?? "describe",
    });
  }
}

/** Settles like `promise`, or rejects with the abort's Keel error as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Closes a client and its transport, never throwing: shutdown must not fail on a dead server. */
async function terminate(client: Client): Promise<void> {
  const transport = client.transport as { terminateSession?: () => Promise<void> } | undefined;
  await transport?.terminateSession?.().catch(() => {});
  await client.close().catch(() => {});
}

/** Creates a client of one MCP server (see `McpClient`); nothing connects until first use. */
export function mcpClient(options: McpClientOptions): McpClient {
  return new McpClient(options);
}
