import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { contentText, promptText } from "../prompt-text.js";
import { CHARS_PER_TOKEN, SimEngine } from "./engine.js";
import { renderMetrics } from "./exposition.js";
import type { Fault } from "./faults.js";
import { textVector, tokenText } from "./generated-text.js";
import { type ReplicaParams, replicaParams } from "./sim-params.js";

/** Options of `startReplica`: the replica's parameters plus where it listens. */
export interface ReplicaOptions extends Partial<ReplicaParams> {
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** LoRA adapters loaded at start. */
  adapters?: string[];
  /** Dimensions of `/v1/embeddings` vectors. Default 16. */
  embeddingDimensions?: number;
  /** Real milliseconds between two writes of a stream's tokens (the first token is written at once); 0 writes every step's token. Default 5. */
  streamIntervalMs?: number;
  /**
   * `real` (default): the engine steps on timers, `timeScale` times faster than real time.
   * `manual`: the engine's clock moves only when the caller runs `engine.advanceTo(t)`, so a
   * benchmark driving several replicas in lockstep gets figures that do not depend on how busy
   * the CPU is; tokens are written as the steps that make them run.
   */
  clock?: "real" | "manual";
}

/** What a replica served, for tests and benchmarks. */
export interface ReplicaStats {
  /** Inference requests received (chat and completions). */
  requests: number;
  /** Sizes of the `/v1/embeddings` calls received, in inputs. */
  embeddingBatches: number[];
  /** Adapter loads and unloads done. */
  adapterLoads: number;
  adapterUnloads: number;
  /** `/v1/rerank` and `/tokenize` calls received. */
  rerankRequests: number;
  tokenizeRequests: number;
}

/** A running simulated vLLM replica. */
export interface SimReplica {
  readonly url: string;
  readonly port: number;
  readonly params: ReplicaParams;
  /** The current engine (a new one after `restart`). */
  readonly engine: SimEngine;
  readonly stats: ReplicaStats;
  /** Adapters loaded now. */
  readonly adapters: readonly string[];
  /** Injects a fault; `{ kind: "none" }` clears one (except a crash). */
  fault(fault: Fault): void;
  /** Brings a crashed replica back on the same port, with an empty cache. */
  restart(): Promise<void>;
  /** Stops the replica and ends every open connection. */
  close(): Promise<void>;
}

interface Adapter {
  lastUsed: number;
  active: number;
}

/** Starts one simulated vLLM replica on loopback (OpenAI chat / completions with streaming, `/metrics`, `/health`, `/v1/models`). */
export async function startReplica(options: ReplicaOptions = {}): Promise<SimReplica> {
  const {
    port: wantedPort,
    host = "127.0.0.1",
    adapters: initial = [],
    embeddingDimensions = 16,
    streamIntervalMs = 5,
    clock = "real",
    ...overrides
  } = options;
  const params = replicaParams(overrides);
  const newEngine = () => new SimEngine(params, { virtual: clock === "manual" });
  let engine = newEngine();
  let fault: Fault = { kind: "none" };
  const stats: ReplicaStats = {
    requests: 0,
    embeddingBatches: [],
    adapterLoads: 0,
    adapterUnloads: 0,
    rerankRequests: 0,
    tokenizeRequests: 0,
  };
  const adapters = new Map<string, Adapter>(initial.map((name) => [name, { lastUsed: 0, active: 0 }]));
  const hung = new Set<ServerResponse>();
  const dirty = new Set<() => void>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  const scheduleFlush = (flush: () => void) => {
    dirty.add(flush);
    if (flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      const all = [...dirty];
      dirty.clear();
      for (const f of all) f();
    }, streamIntervalMs);
  };
  const simDelay = (ms: number) => new Promise((r) => setTimeout(r, ms / params.timeScale));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (fault.kind === "hang") {
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    const down = fault.kind === "unavailable" || fault.kind === "starting";
    if (req.method === "GET") {
      switch (path) {
        case "/health":
          if (down)
            return sendError(res, 503, "Service Unavailable", "ServiceUnavailableError", retryHeader(fault));
          return send(res, 200, "");
        case "/v1/models":
          return send(res, 200, {
            object: "list",
            data: [
              modelCard(params.model, params.model, params.maxModelLen),
              ...[...adapters.keys()].map((name) => modelCard(name, params.model, params.maxModelLen)),
            ],
          });
        case "/metrics":
          return send(
            res,
            200,
            renderMetrics(engine, {
              runningAdapters: [...adapters].filter(([, a]) => a.active > 0).map(([n]) => n),
              waitingAdapters: [],
              maxLoras: params.maxLoras,
            }),
            { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
          );
        case "/load":
          return send(res, 200, { server_load: engine.running + engine.waiting });
        default:
          return sendError(res, 404, `no route GET ${path}`, "NotFoundError");
      }
    }
    if (req.method !== "POST") return sendError(res, 405, "method not allowed", "BadRequestError");
    let body: Record<string, any>;
    try {
      body = JSON.parse(await readBody(req));
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("not an object");
    } catch (error) {
      return sendError(res, 400, `invalid JSON body: ${(error as Error).message}`, "BadRequestError");
    }
    if (down && path !== "/tokenize")
      return sendError(res, 503, "The engine is not ready", "ServiceUnavailableError", retryHeader(fault));
    switch (path) {
      case "/v1/chat/completions":
      case "/v1/completions":
        return generate(path === "/v1/chat/completions", body, res);
      case "/v1/embeddings":
        return embed(body, res);
      case "/tokenize": {
        stats.tokenizeRequests++;
        const text = Array.isArray(body.messages) ? promptText(body.messages) : String(body.prompt ?? "");
        const count = Math.ceil(text.length / CHARS_PER_TOKEN);
        return send(res, 200, {
          count,
          max_model_len: params.maxModelLen,
          tokens: Array.from({ length: count }, (_, i) => i),
        });
      }
      case "/v1/rerank":
      case "/rerank":
        return rerank(body, res);
      case "/v1/load_lora_adapter":
        return loadAdapter(body, res);
      case "/v1/unload_lora_adapter":
        return unloadAdapter(body, res);
      default:
        return sendError(res, 404, `no route POST ${path}`, "NotFoundError");
    }
  };

  const generate = (chat: boolean, body: Record<string, any>, res: ServerResponse) => {
    const model = String(body.model ?? params.model);
    const adapter = model === params.model ? undefined : adapters.get(model);
    if (model !== params.model && !adapter)
      return sendError(res, 404, `The model \`${model}\` does not exist.`, "NotFoundError");
    if (chat && !Array.isArray(body.messages))
      return sendError(res, 400, "messages must be a list", "BadRequestError");
    const prompt = chat ? promptText(body.messages) : promptOf(body.prompt);
    const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? params.defaultMaxTokens);
    if (!Number.isInteger(maxTokens) || maxTokens < 1)
      return sendError(res, 400, "max_tokens must be a positive integer", "BadRequestError");
    const promptTokens = Math.ceil(prompt.length / CHARS_PER_TOKEN);
    if (promptTokens + maxTokens > params.maxModelLen)
      return sendError(
        res,
        400,
        `This model's maximum context length is ${params.maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        "BadRequestError",
      );
    const blocks = Math.ceil((promptTokens + maxTokens) / params.blockSize);
    if (blocks > params.numGpuBlocks * (1 - params.watermark))
      return sendError(
        res,
        400,
        `The prompt and completion need ${blocks} KV blocks, more than this server's cache holds (${params.numGpuBlocks} blocks). Please reduce the length of the messages or completion.`,
        "BadRequestError",
      );
    stats.requests++;
    if (adapter) {
      adapter.active++;
      adapter.lastUsed = Date.now();
    }
    const stream = body.stream === true;
    const includeUsage = body.stream_options?.include_usage === true;
    const id = `${chat ? "chatcmpl" : "cmpl"}-${randomBytes(12).toString("hex")}`;
    const created = Math.floor(Date.now() / 1000);
    const seed = Number(body.seed ?? params.seed) + engine.counters.finishedLength + stats.requests;
    let produced = 0;
    let written = 0;
    let done = false;
    const textOf = (from: number, to: number) => {
      let text = "";
      for (let i = from; i < to; i++) text += tokenText(seed, i);
      return text;
    };
    const chunk = (text: string, finish: string | null, first: boolean) =>
      chat
        ? {
            id,
            object: "chat.completion.chunk",
            created,
            model,
            choices: [
              {
                index: 0,
                delta: first ? { role: "assistant", content: text } : { content: text },
                logprobs: null,
                finish_reason: finish,
              },
            ],
          }
        : {
            id,
            object: "text_completion",
            created,
            model,
            choices: [{ index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null }],
          };
    const flush = (finish: string | null = null) => {
      if (res.destroyed || (written === produced && finish === null)) return;
      res.write(`data: ${JSON.stringify(chunk(textOf(written, produced), finish, written === 0))}\n\n`);
      written = produced;
    };
    if (stream)
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-request-id": id,
      });
    const cancel = engine.submit({
      prompt,
      maxTokens,
      ...(adapter ? { adapter: model } : {}),
      sink: {
        tokens(count, first) {
          produced += count;
          if (!stream) return;
          if (first || streamIntervalMs === 0) flush();
          else scheduleFlush(() => flush());
        },
        finished(reason, usage) {
          done = true;
          if (adapter) adapter.active--;
          if (reason === "abort" || res.destroyed) return;
          const usageBody = {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.outputTokens,
            total_tokens: usage.promptTokens + usage.outputTokens,
            prompt_tokens_details: { cached_tokens: usage.cachedTokens },
            // The simulator's own timings (simulated ms since the engine started), for benchmarks.
            keel_sim: {
              arrived_ms: usage.arrivedAt,
              first_token_ms: usage.firstTokenAt,
              finished_ms: usage.finishedAt,
            },
          };
          if (stream) {
            flush("length");
            if (includeUsage)
              res.write(
                `data: ${JSON.stringify({ ...chunk("", null, false), choices: [], usage: usageBody })}\n\n`,
              );
            res.end("data: [DONE]\n\n");
            return;
          }
          const text = textOf(0, produced);
          send(res, 200, {
            id,
            object: chat ? "chat.completion" : "text_completion",
            created,
            model,
            choices: [
              chat
                ? {
                    index: 0,
                    message: { role: "assistant", content: text },
                    logprobs: null,
                    finish_reason: "length",
                    stop_reason: null,
                  }
                : { index: 0, text, logprobs: null, finish_reason: "length", stop_reason: null },
            ],
            usage: usageBody,
          });
        },
      },
    });
    res.on("close", () => {
      if (!done) cancel();
    });
  };

  const embed = async (body: Record<string, any>, res: ServerResponse) => {
    const input: unknown = body.input;
    const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.map(String) : undefined;
    if (!texts) return sendError(res, 400, "input must be a string or a list of strings", "BadRequestError");
    stats.embeddingBatches.push(texts.length);
    const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / CHARS_PER_TOKEN), 0);
    await simDelay(
      params.requestOverheadMs +
        (tokens * 2 * params.parameters * 1000) / (params.computeEfficiency * params.flops),
    );
    return send(res, 200, {
      object: "list",
      model: String(body.model ?? params.model),
      data: texts.map((text, index) => ({
        object: "embedding",
        index,
        embedding: textVector(text, embeddingDimensions),
      })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const rerank = (body: Record<string, any>, res: ServerResponse) => {
    if (typeof body.query !== "string" || !Array.isArray(body.documents))
      return sendError(res, 400, "query must be a string and documents a list", "BadRequestError");
    stats.rerankRequests++;
    const q = textVector(body.query, embeddingDimensions);
    const texts: string[] = body.documents.map((doc: unknown) =>
      typeof doc === "string" ? doc : contentText((doc as { text?: unknown })?.text ?? doc),
    );
    const results = texts
      .map((text, index) => {
        const v = textVector(text, embeddingDimensions);
        return { index, relevance_score: v.reduce((s, x, i) => s + x * q[i]!, 0), document: { text } };
      })
      .sort((a, b) => b.relevance_score - a.relevance_score)
      .slice(0, typeof body.top_n === "number" ? body.top_n : undefined);
    // vLLM's answer: `{id, model, usage: {total_tokens}, results}`, best first; every document is read.
    const tokens = [body.query, ...texts].reduce((n, t) => n + Math.ceil(t.length / CHARS_PER_TOKEN), 0);
    return send(res, 200, {
      id: `rerank-${randomBytes(6).toString("hex")}`,
      model: String(body.model ?? params.model),
      usage: { total_tokens: tokens },
      results,
    });
  };

  const loadAdapter = async (body: Record<string, any>, res: ServerResponse) => {
    const name = body.lora_name;
    if (typeof name !== "string" || typeof body.lora_path !== "string")
      return sendError(res, 400, "lora_name and lora_path are required", "BadRequestError");
    if (params.maxLoras === 0)
      return sendError(res, 400, "LoRA is not enabled (max_loras is 0)", "BadRequestError");
    if (adapters.has(name))
      return sendError(res, 400, `The lora adapter '${name}' has already been loaded.`, "InvalidUserInput");
    if (adapters.size >= params.maxLoras) {
      // Evict the least recently used adapter that no request is using.
      const idle = [...adapters]
        .filter(([, a]) => a.active === 0)
        .sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (!idle) return sendError(res, 503, "every LoRA slot is in use", "ServiceUnavailableError");
      adapters.delete(idle[0]);
      stats.adapterUnloads++;
    }
    await simDelay(params.loraLoadMs);
    adapters.set(name, { lastUsed: Date.now(), active: 0 });
    stats.adapterLoads++;
    return send(res, 200, `Success: LoRA adapter '${name}' added successfully.`);
  };

  const unloadAdapter = (body: Record<string, any>, res: ServerResponse) => {
    const name = body.lora_name;
    if (typeof name !== "string" || !adapters.has(name))
      return sendError(res, 404, `The lora adapter '${String(name)}' cannot be found.`, "NotFoundError");
    adapters.delete(name);
    stats.adapterUnloads++;
    return send(res, 200, `Success: LoRA adapter '${name}' removed successfully.`);
  };

  let server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, String(error), "InternalServerError");
      else res.destroy();
    });
  });
  await listen(server, wantedPort ?? 0, host);
  const port = (server.address() as AddressInfo).port;

  const shutdown = async () => {
    for (const res of hung) res.destroy();
    hung.clear();
    engine.crash();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    url: `http://${host}:${port}`,
    port,
    params,
    get engine() {
      return engine;
    },
    stats,
    get adapters() {
      return [...adapters.keys()];
    },
    fault(next: Fault) {
      if (fault.kind === "crash" && next.kind !== "crash") return;
      const previous = fault;
      fault = next;
      engine.slowdown = next.kind === "slow" ? next.factor : 1;
      if (next.kind === "hang") engine.paused = true;
      else if (previous.kind === "hang") {
        for (const res of hung) res.destroy();
        hung.clear();
        engine.resume();
      }
      if (next.kind === "crash") void shutdown();
    },
    async restart() {
      if (fault.kind !== "crash") await shutdown();
      engine = newEngine();
      fault = { kind: "none" };
      server = createServer(
        server.listeners("request")[0] as (req: IncomingMessage, res: ServerResponse) => void,
      );
      await listen(server, port, host);
    },
    close: shutdown,
  };
}

/** Starts `count` replicas, each with `options(i)`. */
export async function startReplicas(
  count: number,
  options: (index: number) => ReplicaOptions = () => ({}),
): Promise<SimReplica[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startReplica(options(i))));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function modelCard(id: string, root: string, maxModelLen: number) {
  return {
    id,
    object: "model",
    created: 0,
    owned_by: "vllm",
    root,
    parent: id === root ? null : root,
    max_model_len: maxModelLen,
  };
}

function promptOf(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt)) return prompt.map(String).join("");
  return "";
}

function retryHeader(fault: Fault): Record<string, string> {
  return fault.kind === "unavailable" && fault.retryAfterS !== undefined
    ? { "retry-after": String(fault.retryAfterS) }
    : {};
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    ...headers,
  });
  res.end(text);
}

/** vLLM's error body: `{"error": {"message", "type", "param", "code"}}`. */
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, { error: { message, type, param: null, code: status } }, headers);
}
