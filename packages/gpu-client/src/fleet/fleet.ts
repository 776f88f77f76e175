import {
  AbortedError,
  type CallOptions,
  type CircuitBreakerMiddleware,
  circuitBreaker,
  events as defaultEvents,
  type EmbeddingModel,
  type EventHub,
  type Failover,
  InvalidRequestError,
  isHealthFailure,
  type KeelError,
  type Model,
  type ModelRequest,
  type ModelResponse,
  OverloadedError,
  ProviderUnavailableError,
  type StreamEvent,
  TimeoutError,
} from "@keel/core";
import { abortReason, createModelStream, isContentEvent, toKeelError } from "@keel/core/provider";
import { BLOCK_CHARS, blockHashes } from "../block-hash.js";
import { prefixHitRate } from "../metrics/load-signals.js";
import type { ServerInfo } from "../metrics/server-info.js";
import { estimateTokens, promptText } from "../prompt-text.js";
import type { RouteDecision, RouteInput, RoutingPolicy } from "../routing/candidate.js";
import { prefixAffinity } from "../routing/prefix-affinity.js";
import { isServerKind, SERVER_ROUTES, type ServerKind } from "../server-kinds.js";
import { wireMessages } from "../wire/chat-body.js";
import { type EndpointModel, endpointModel } from "../wire/endpoint-model.js";
import { type RerankOptions, type RerankResult, rerankOnce } from "../wire/rerank.js";
import { type TokenizeResult, tokenizeOnce } from "../wire/tokenize.js";
import { AdapterPlacement } from "./adapter-placement.js";
import { AdmissionQueue, type Waiter } from "./admission-queue.js";
import { EmbeddingBatcher, type EmbeddingBatchOptions } from "./embedding-batcher.js";
import { EndpointState } from "./endpoint-state.js";
import "./fleet-events.js";
import { listAdapters, probeHealth, readServerInfo, scrapeLoad } from "./probes.js";
import { unaryCall } from "./unary-call.js";

/** One server of the fleet. */
export interface FleetEndpoint {
  url: string;
  /** Default "vllm". */
  kind?: ServerKind;
  /** Default the URL's host:port. */
  id?: string;
  /** The served model name; default the fleet's `model`. */
  model?: string;
  /** Relative capacity (2 for a GPU twice as fast); default 1. */
  weight?: number;
  headers?: Record<string, string>;
  /**
   * KV-cache capacity in tokens; default what `/metrics` says (`num_gpu_blocks × block_size`),
   * else TGI's `/info` (`max_batch_total_tokens`) or llama.cpp's `/props` (`n_ctx × total_slots`),
   * else no token budget.
   */
  kvCapacityTokens?: number;
  /**
   * LoRA adapters the client keeps loaded here at most; before loading one more it unloads the
   * least recently used idle one. Default vLLM's `max_lora` from `/metrics`, else no limit.
   */
  maxAdapters?: number;
}

/** Options of `createFleet`. Times are in milliseconds. */
export interface FleetOptions {
  endpoints: FleetEndpoint[];
  /** The model the servers serve (the `model` of requests). */
  model: string;
  /** Default `prefixAffinity()` sized from each endpoint's KV blocks. */
  policy?: RoutingPolicy;
  /** Active health checks. Default every 5,000, each with a 2,000 timeout. */
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  /** Metric scrapes. Default every 1,000; a scrape older than `stalenessMs` (default 3 × interval) is ignored. */
  scrapeIntervalMs?: number;
  stalenessMs?: number;
  /** First ejection's length, doubled on each further ejection up to `maxEjectMs`. Defaults 1,000 and 30,000. */
  ejectMs?: number;
  maxEjectMs?: number;
  /** Consecutive 5xx answers that eject an endpoint (connection failures and timeouts eject at once). Default 3. */
  ejectAfterFailures?: number;
  /** Endpoints one request may try before the first token. Default 3. */
  maxAttempts?: number;
  /** An attempt with no first token by then fails with `TimeoutError` and moves on. Default 60,000. */
  firstTokenTimeoutMs?: number;
  /** A stream silent for this long after its first token fails with `TimeoutError`. Default 60,000. */
  idleTimeoutMs?: number;
  /** The client-side admission queue: at most `maxLength` waiting (default 1,000), each at most `timeoutMs` (default 30,000). */
  queue?: { maxLength?: number; timeoutMs?: number };
  /** Output tokens reserved for a request that sets no `maxOutputTokens`. Default 256. */
  defaultMaxOutputTokens?: number;
  /** Share of an endpoint's KV capacity the client may reserve (prompt + max output). Default 1. */
  overcommit?: number;
  /** Most requests in flight to one endpoint per unit of weight. Default unlimited. */
  maxInflightPerEndpoint?: number;
  /** Core's circuit breaker on each endpoint; `false` turns it off. Default 5 failures, 5,000 cooldown. */
  breaker?: { failureThreshold?: number; cooldownMs?: number } | false;
  /** LoRA adapters the fleet may load on demand: name → path on the servers. */
  adapters?: Record<string, string>;
  /** In-flight requests per unit of weight on every holder of an adapter above which it is loaded on one more endpoint. Default 32. */
  adapterPressure?: number;
  events?: EventHub;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
  fetch?: typeof fetch;
}

/** Per-request fleet options, under `providerOptions["gpu-client"]`. */
export interface FleetRequestOptions {
  /** Higher goes first in the admission queue. Default 0. */
  priority?: number;
  /** Keeps a conversation on one endpoint with `sessionAffinity`. */
  sessionId?: string;
}

/** Where a request was served and why: `routeOf(response)`. */
export interface RouteInfo {
  endpoint: string;
  policy: string;
  reason: string;
  attempts: number;
  queuedMs: number;
  prefixMatch?: number;
}

/** An endpoint as `fleet.endpoints()` reports it. */
export interface EndpointSnapshot {
  id: string;
  url: string;
  kind: ServerKind;
  health: EndpointState["health"];
  inflight: number;
  /** Requests sent and not past their first token. */
  prefilling: number;
  inflightTokens: number;
  running?: number;
  waiting?: number;
  kvUsage?: number;
  prefixHitRate?: number;
  kvCapacityTokens?: number;
  /** What the server's info route said (TGI `/info`, llama.cpp `/props` or `/slots`). */
  serverInfo?: ServerInfo;
  adapters: string[];
  breaker?: string;
}

const ROUTE = Symbol.for("keel.gpu.route");

/** Where a fleet response was served and why; undefined for a response that did not come from a fleet. */
export function routeOf(response: ModelResponse): RouteInfo | undefined {
  return (response as ModelResponse & { [ROUTE]?: RouteInfo })[ROUTE];
}

interface Placement {
  state: EndpointState;
  decision: RouteDecision;
  queuedMs: number;
  /** The first token arrived: the request has left the endpoint's prefill queue. */
  firstToken: () => void;
  release: () => void;
}

/** Drives a fleet of self-hosted inference servers as one core `Model`. Create with `createFleet`. */
export class Fleet {
  readonly #options: FleetOptions;
  readonly #states: EndpointState[];
  readonly #policy: RoutingPolicy;
  readonly #events: EventHub;
  readonly #now: () => number;
  readonly #queue = new AdmissionQueue();
  readonly #breaker: CircuitBreakerMiddleware | undefined;
  readonly #adapters: AdapterPlacement;
  #timers: ReturnType<typeof setInterval>[] = [];
  #seq = 0;
  #closed = false;

  constructor(options: FleetOptions) {
    if (!Array.isArray(options.endpoints) || options.endpoints.length === 0)
      throw new InvalidRequestError("createFleet: endpoints must list at least one server");
    if (typeof options.model !== "string" || !options.model)
      throw new InvalidRequestError("createFleet: model is required");
    this.#options = options;
    this.#events = options.events ?? defaultEvents;
    this.#now = options.now ?? Date.now;
    const breaker = options.breaker;
    this.#breaker =
      breaker === false
        ? undefined
        : circuitBreaker({
            failureThreshold: breaker?.failureThreshold ?? 5,
            cooldownMs: breaker?.cooldownMs ?? 5000,
            // Backpressure (a full server) is not a fault: it is rerouted, not counted.
            isFailure: (e) => isHealthFailure(e) && e.code !== "overloaded" && e.code !== "rate-limited",
            events: this.#events,
          });
    const ids = new Set<string>();
    this.#states = options.endpoints.map((e, i) => {
      if (typeof e?.url !== "string" || !/^https?:\/\//.test(e.url))
        throw new InvalidRequestError(
          `createFleet: endpoints[${i}].url must be an http(s) URL, got ${String(e?.url)}`,
        );
      const kind = e.kind ?? "vllm";
      if (!isServerKind(kind))
        throw new InvalidRequestError(
          `createFleet: endpoints[${i}].kind "${String(kind)}" is not a known server kind`,
        );
      const weight = e.weight ?? 1;
      if (!(weight > 0))
        throw new InvalidRequestError(`createFleet: endpoints[${i}].weight must be positive`);
      const url = e.url.replace(/\/+$/, "");
      const id = e.id ?? new URL(url).host;
      if (ids.has(id))
        throw new InvalidRequestError(`createFleet: two endpoints are named "${id}"; give them distinct ids`);
      ids.add(id);
      const raw = endpointModel({
        id,
        url,
        kind,
        model: e.model ?? options.model,
        ...(e.headers ? { headers: e.headers } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      const guarded = this.#breaker ? (this.#breaker(raw) as EndpointModel) : raw;
      if (e.maxAdapters !== undefined && !(Number.isInteger(e.maxAdapters) && e.maxAdapters >= 1))
        throw new InvalidRequestError(`createFleet: endpoints[${i}].maxAdapters must be a positive integer`);
      return new EndpointState(
        guarded,
        raw,
        weight,
        options.ejectMs ?? 1000,
        e.kvCapacityTokens,
        e.maxAdapters,
      );
    });
    this.#adapters = new AdapterPlacement({
      routable: (exclude, adapter) => this.#routable(exclude, adapter),
      events: this.#events,
      paths: options.adapters,
      pressure: options.adapterPressure ?? 32,
    });
    this.#policy =
      options.policy ??
      prefixAffinity({
        cacheBlocks: (id) => {
          const kv = this.#state(id)?.kvTokens;
          return kv === undefined ? 27_000 : (kv * 4) / BLOCK_CHARS;
        },
      });
  }

  /** The routing policy in use. */
  get policy(): RoutingPolicy {
    return this.#policy;
  }

  /** Runs the first health check and scrape, then keeps both going in the background. */
  async start(): Promise<void> {
    await Promise.all([this.checkHealth(), this.scrape()]);
    const health = setInterval(() => void this.checkHealth(), this.#options.healthIntervalMs ?? 5000);
    const scrape = setInterval(() => void this.scrape(), this.#options.scrapeIntervalMs ?? 1000);
    health.unref?.();
    scrape.unref?.();
    this.#timers.push(health, scrape);
  }

  /** Stops the background checks; requests waiting for admission fail with `AbortedError`. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  /** One round of active health checks: ejects failing endpoints, readmits recovered ones when their ejection has run out. */
  async checkHealth(): Promise<void> {
    const timeout = this.#options.healthTimeoutMs ?? 2000;
    await Promise.all(
      this.#states.map(async (state) => {
        const now = this.#now();
        if (state.health === "ejected" && now < state.readmitAt) return;
        const ok = await probeHealth(state.raw.target, timeout);
        if (!ok) {
          if (state.health === "ejected") this.#extendEjection(state);
          else this.#eject(state, "health check failed");
          return;
        }
        if (state.health === "ejected") {
          state.health = "healthy";
          state.failures = 0;
          state.healthySince = this.#now();
          this.#events.emit("gpu.endpoint.readmitted", {
            endpoint: state.id,
            afterMs: this.#now() - state.ejectedAt,
          });
        } else if (state.health === "unknown") {
          state.health = "healthy";
          state.healthySince = now;
        } else if (now - state.healthySince > (this.#options.maxEjectMs ?? 30_000) * 2) {
          // Healthy for a good while: the next ejection starts short again.
          state.ejectMs = this.#options.ejectMs ?? 1000;
        }
        // Limits: read once the server is up, again after each ejection (it may have restarted
        // with other settings), and at every check until a read succeeds.
        if (!state.serverInfo && SERVER_ROUTES[state.raw.target.kind].info)
          state.serverInfo = await readServerInfo(state.raw.target, timeout);
        if (SERVER_ROUTES[state.raw.target.kind].loadAdapter) {
          const adapters = await listAdapters(state.raw.target, timeout);
          if (adapters) state.adapters = adapters;
        }
        this.#queue.pump();
      }),
    );
  }

  /** One round of metric scrapes (never touches the client's own in-flight counts). */
  async scrape(): Promise<void> {
    const timeout = this.#options.healthTimeoutMs ?? 2000;
    await Promise.all(
      this.#states.map(async (state) => {
        if (state.health === "ejected") return;
        const signals = await scrapeLoad(state.raw.target, timeout);
        if (!signals) return;
        const rate = prefixHitRate(state.signals, signals);
        if (rate !== undefined) state.prefixHitRate = rate;
        state.scraped(signals, this.#now());
        if (signals.runningAdapters) for (const a of signals.runningAdapters) state.adapters.add(a);
      }),
    );
  }

  /** Each endpoint's state as the client sees it. */
  endpoints(): EndpointSnapshot[] {
    return this.#states.map((s) => {
      const snap: EndpointSnapshot = {
        id: s.id,
        url: s.raw.target.url,
        kind: s.raw.target.kind,
        health: s.health,
        inflight: s.inflight,
        prefilling: s.prefilling,
        inflightTokens: s.inflightTokens,
        adapters: [...s.adapters],
      };
      if (s.signals?.running !== undefined) snap.running = s.signals.running;
      if (s.signals?.waiting !== undefined) snap.waiting = s.signals.waiting;
      if (s.signals?.kvUsage !== undefined) snap.kvUsage = s.signals.kvUsage;
      if (s.prefixHitRate !== undefined) snap.prefixHitRate = s.prefixHitRate;
      if (s.kvTokens !== undefined) snap.kvCapacityTokens = s.kvTokens;
      if (s.serverInfo) snap.serverInfo = { ...s.serverInfo };
      if (this.#breaker) snap.breaker = this.#breaker.state(s.model);
      return snap;
    });
  }

  /** Requests waiting in the client-side admission queue. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * The fleet as one core `Model`. `id` is the served model (default) or a LoRA adapter's name:
   * adapter requests go to endpoints that have it loaded, and it is loaded on demand (or on one
   * more endpoint under pressure) when `adapters` names its path.
   */
  model(id: string = this.#options.model): Model {
    const adapter = id === this.#options.model ? undefined : id;
    const fleet = this;
    return {
      provider: "gpu-client",
      id,
      capabilities: { streaming: true, tools: true, jsonSchema: true, vision: true, reasoning: false },
      stream(request, options) {
        return fleet.#stream(id, adapter, request, options);
      },
      generate(request, options) {
        return fleet.#stream(id, adapter, request, options).response;
      },
    };
  }

  /** The fleet's embeddings as one core `EmbeddingModel`, with client-side micro-batching of concurrent calls. */
  embeddingModel(options: EmbeddingBatchOptions & { id?: string } = {}): EmbeddingModel {
    const batcher = new EmbeddingBatcher(options, (texts, callOptions) =>
      this.#embedBatch(texts, callOptions),
    );
    return {
      provider: "gpu-client",
      id: options.id ?? this.#options.model,
      maxBatchSize: batcher.maxBatchSize,
      embed: (texts, callOptions) => batcher.embed(texts, callOptions),
    };
  }

  #state(id: string): EndpointState | undefined {
    return this.#states.find((s) => s.id === id);
  }

  #stream(
    modelId: string,
    adapter: string | undefined,
    request: ModelRequest,
    options: CallOptions | undefined,
  ) {
    const fleet = this;
    const opts = (request.providerOptions?.["gpu-client"] ?? {}) as FleetRequestOptions;
    const maxAttempts = this.#options.maxAttempts ?? 3;
    const failovers: Failover[] = [];
    let route: RouteInfo | undefined;
    let totalQueued = 0;
    const endpointRequest: ModelRequest = adapter
      ? {
          ...request,
          providerOptions: { ...request.providerOptions, "gpu-client": { ...opts, model: adapter } },
        }
      : request;

    async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
      const input = fleet.#routeInput(request, adapter, opts);
      const tried = new Set<string>();
      let lastError: KeelError | undefined;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const placed = await fleet.#place(input, tried, opts.priority ?? 0, signal, modelId);
        if (!placed) break;
        totalQueued += placed.queuedMs;
        const { state, decision } = placed;
        route = {
          endpoint: state.id,
          policy: fleet.#policy.name,
          reason: decision.reason,
          attempts: attempt,
          queuedMs: totalQueued,
          ...(decision.prefixMatch !== undefined ? { prefixMatch: decision.prefixMatch } : {}),
        };
        fleet.#events.emit(
          "gpu.routed",
          {
            model: modelId,
            endpoint: state.id,
            policy: fleet.#policy.name,
            reason: decision.reason,
            attempt,
            queuedMs: placed.queuedMs,
            ...(decision.prefixMatch !== undefined ? { prefixMatch: decision.prefixMatch } : {}),
          },
          options?.context,
        );
        const attemptSignal = new AbortController();
        const forward = () => attemptSignal.abort(signal.reason);
        signal.addEventListener("abort", forward, { once: true });
        let timedOut: TimeoutError | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const arm = (ms: number, what: string) => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            timedOut = new TimeoutError(`${state.id}: ${what} after ${ms} ms`, { provider: state.id });
            attemptSignal.abort(timedOut);
          }, ms);
        };
        arm(fleet.#options.firstTokenTimeoutMs ?? 60_000, "no first token");
        let delivered = false;
        const held: StreamEvent[] = [];
        try {
          const stream = state.model.stream(endpointRequest, { ...options, signal: attemptSignal.signal });
          for await (const event of stream) {
            if (event.type === "error") throw event.error;
            if (!delivered) {
              // Nothing reaches the caller before the first token, so a failed attempt leaves no trace.
              if (!isContentEvent(event) && event.type !== "finish") {
                held.push(event);
                continue;
              }
              delivered = true;
              placed.firstToken();
              yield* held;
            }
            arm(fleet.#options.idleTimeoutMs ?? 60_000, "stream stalled");
            yield event;
          }
          state.failures = 0;
          return;
        } catch (thrown) {
          if (signal.aborted) throw abortReason(signal);
          const error = timedOut ?? toKeelError(thrown, state.id);
          fleet.#onFailure(state, error);
          if (delivered || !(error.retryable || error.code === "provider-unavailable")) throw error;
          lastError = error;
          tried.add(state.id);
          failovers.push({ from: state.id, to: "", errorCode: error.code });
          fleet.#events.emit(
            "gpu.rerouted",
            { model: modelId, from: state.id, error, attempt },
            options?.context,
          );
        } finally {
          clearTimeout(timer);
          signal.removeEventListener("abort", forward);
          placed.release();
        }
      }
      throw (
        lastError ??
        new ProviderUnavailableError(`gpu-client: no healthy endpoint for ${modelId}`, {
          provider: "gpu-client",
        })
      );
    }

    return createModelStream(produce, {
      provider: "gpu-client",
      model: modelId,
      ...(options ? { options } : {}),
      finalize(response) {
        // Each failover's `to` is the endpoint that took the request next.
        const hops = failovers.map((f, i) => ({ ...f, to: failovers[i + 1]?.from ?? route?.endpoint ?? "" }));
        const out: ModelResponse = {
          ...response,
          timings: { ...response.timings, queuedMs: totalQueued },
          ...(hops.length ? { failovers: hops } : {}),
        };
        Object.defineProperty(out, ROUTE, { value: route, enumerable: false });
        return out;
      },
    });
  }

  #routeInput(request: ModelRequest, adapter: string | undefined, opts: FleetRequestOptions): RouteInput {
    const text = promptText(wireMessages(request.messages ?? []));
    const maxOutput = request.maxOutputTokens ?? this.#options.defaultMaxOutputTokens ?? 256;
    return {
      prefixHashes: blockHashes(text, BLOCK_CHARS, adapter ?? ""),
      tokens: estimateTokens(text) + maxOutput,
      outputTokens: maxOutput,
      ...(opts.sessionId ? { sessionId: opts.sessionId } : {}),
      ...(adapter ? { adapter } : {}),
    };
  }

  /** Endpoints that may take a request now, fit or not. */
  #routable(exclude: ReadonlySet<string>, adapter: string | undefined): EndpointState[] {
    const now = this.#now();
    return this.#states.filter(
      (s) =>
        s.health !== "ejected" &&
        !exclude.has(s.id) &&
        now >= s.backoffUntil &&
        this.#breaker?.state(s.model) !== "open" &&
        (!adapter || s.adapters.has(adapter)),
    );
  }

  /** Places the request on an endpoint now, or queues it until one has room; sheds it with `OverloadedError` when the queue is full or it waited too long. */
  async #place(
    input: RouteInput,
    exclude: ReadonlySet<string>,
    priority: number,
    signal: AbortSignal,
    modelId: string,
  ): Promise<Placement | undefined> {
    if (input.adapter) await this.#adapters.ensure(input.adapter, exclude);
    const enqueuedAt = this.#now();
    const tryPlace = (): Placement | undefined => {
      const routable = this.#routable(exclude, input.adapter);
      const maxInflight = this.#options.maxInflightPerEndpoint ?? Infinity;
      const overcommit = this.#options.overcommit ?? 1;
      const fits = routable.filter((s) => {
        if (s.inflight === 0) return true;
        if (s.inflight >= maxInflight * s.weight) return false;
        // TGI refuses (429) above its max_concurrent_requests: keep the excess in the client queue.
        if (s.inflight >= (s.serverInfo?.maxConcurrent ?? Infinity)) return false;
        const kv = s.kvTokens;
        return kv === undefined || s.inflightTokens + input.tokens <= kv * overcommit;
      });
      if (fits.length === 0) return undefined;
      const staleness = this.#options.stalenessMs ?? 3 * (this.#options.scrapeIntervalMs ?? 1000);
      const now = this.#now();
      const decision = this.#policy.pick(
        fits.map((s) => s.candidate(now, staleness)),
        input,
      );
      const state = this.#state(decision.endpoint) ?? fits[0]!;
      state.inflight++;
      state.inflightTokens += input.tokens;
      state.prefilling++;
      const releaseAdapter = input.adapter ? state.adapterSlots.use(input.adapter, now) : undefined;
      this.#policy.commit?.(state.id, input);
      let prefilling = true;
      let released = false;
      const firstToken = () => {
        if (!prefilling) return;
        prefilling = false;
        state.prefilling--;
      };
      return {
        state,
        decision,
        queuedMs: now - enqueuedAt,
        firstToken,
        release: () => {
          if (released) return;
          released = true;
          firstToken();
          releaseAdapter?.();
          state.inflight--;
          state.inflightTokens -= input.tokens;
          this.#queue.pump();
        },
      };
    };
    // Requests already waiting go first.
    const now = this.#queue.length === 0 ? tryPlace() : undefined;
    if (now) return now;
    if (this.#routable(exclude, input.adapter).length === 0) {
      if (exclude.size > 0) return undefined;
      throw new ProviderUnavailableError(
        `gpu-client: no healthy endpoint${input.adapter ? ` has adapter "${input.adapter}"` : ""} for ${modelId}`,
        { provider: "gpu-client" },
      );
    }
    const queue = this.#options.queue ?? {};
    if (this.#queue.length >= (queue.maxLength ?? 1000)) {
      this.#events.emit("gpu.request.shed", { model: modelId, reason: "queue-full", queuedMs: 0 });
      throw new OverloadedError(
        `gpu-client: every endpoint is full and ${this.#queue.length} requests are queued`,
        {
          provider: "gpu-client",
          retryAfterMs: 1000,
        },
      );
    }
    return new Promise<Placement>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        priority,
        seq: this.#seq++,
        enqueuedAt,
        tryPlace: () => {
          const placed = tryPlace();
          if (!placed) return false;
          settle();
          resolve(placed);
          return true;
        },
      };
      const onAbort = () => {
        if (this.#queue.remove(waiter)) {
          settle();
          reject(abortReason(signal));
        }
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const timeoutMs = queue.timeoutMs ?? 30_000;
      timer = setTimeout(() => {
        if (!this.#queue.remove(waiter)) return;
        settle();
        this.#events.emit("gpu.request.shed", {
          model: modelId,
          reason: "queue-timeout",
          queuedMs: timeoutMs,
        });
        reject(
          new OverloadedError(`gpu-client: no endpoint had room within ${timeoutMs} ms`, {
            provider: "gpu-client",
            retryAfterMs: 1000,
          }),
        );
      }, timeoutMs);
      if (this.#closed) {
        settle();
        reject(new AbortedError("gpu-client: the fleet was closed"));
        return;
      }
      this.#queue.add(waiter);
      this.#queue.pump();
    });
  }

  /** Passive health: connection failures and timeouts eject at once, repeated 5xx after a few, backpressure backs off. */
  #onFailure(state: EndpointState, error: KeelError): void {
    if (error.code === "network" || error.code === "timeout") {
      this.#eject(state, error.message);
      return;
    }
    if (error.code === "overloaded" || error.code === "rate-limited") {
      state.backoffUntil = this.#now() + (error.retryAfterMs ?? 500);
      return;
    }
    if (error.code === "provider-unavailable" && ++state.failures >= (this.#options.ejectAfterFailures ?? 3))
      this.#eject(state, error.message);
  }

  #eject(state: EndpointState, reason: string): void {
    if (state.health === "ejected") return;
    const now = this.#now();
    state.health = "ejected";
    state.ejectedAt = now;
    state.readmitAt = now + state.ejectMs;
    this.#events.emit("gpu.endpoint.ejected", { endpoint: state.id, reason, forMs: state.ejectMs });
    state.ejectMs = Math.min(state.ejectMs * 2, this.#options.maxEjectMs ?? 30_000);
    // Its cache may be gone (a crash or restart): stop steering prefixes to it.
    this.#policy.forget?.(state.id);
    state.serverInfo = undefined;
    state.signals = undefined;
    state.scrapedAt = -Infinity;
  }

  #extendEjection(state: EndpointState): void {
    state.readmitAt = this.#now() + state.ejectMs;
    state.ejectMs = Math.min(state.ejectMs * 2, this.#options.maxEjectMs ?? 30_000);
  }

  /**
   * Scores `documents` against `query` on one endpoint whose kind has a rerank route (vLLM,
   * SGLang, llama.cpp), the least loaded; on a retryable failure the next one, as embeddings do.
   */
  rerank(query: string, documents: readonly string[], options?: RerankOptions): Promise<RerankResult> {
    if (
      typeof query !== "string" ||
      !Array.isArray(documents) ||
      documents.some((d) => typeof d !== "string")
    )
      return Promise.reject(
        new InvalidRequestError("gpu-client rerank: query must be a string and documents a list of strings"),
      );
    // Nothing to score: no request is sent, so no endpoint answered.
    if (documents.length === 0) return Promise.resolve({ results: [], endpoint: "" });
    return unaryCall(this.#unaryHost(), "rerank", options, (state, o) =>
      rerankOnce(state.raw.target, query, documents, { ...options, ...o }),
    );
  }

  /**
   * A core-style reranker over the fleet: one relevance score per text, in input order (the shape
   * `@keel/rag`'s `Reranker` takes, so it can be passed there as it is).
   */
  reranker(options: { model?: string } = {}): {
    name: string;
    rerank(query: string, texts: readonly string[], callOptions?: CallOptions): Promise<number[]>;
  } {
    return {
      name: `gpu-client-rerank:${options.model ?? this.#options.model}`,
      rerank: async (query, texts, callOptions) => {
        const { results } = await this.rerank(query, texts, { ...callOptions, ...options });
        const scores = new Array<number>(texts.length).fill(Number.NEGATIVE_INFINITY);
        for (const hit of results) scores[hit.index] = hit.score;
        return scores;
      },
    };
  }

  /** Counts `text`'s tokens with the served model's own tokenizer, on the least loaded endpoint with a tokenize route. */
  tokenize(text: string, options?: CallOptions): Promise<TokenizeResult> {
    if (typeof text !== "string")
      return Promise.reject(new InvalidRequestError("gpu-client tokenize: text must be a string"));
    return unaryCall(this.#unaryHost(), "tokenize", options, (state, o) =>
      tokenizeOnce(state.raw.target, text, o),
    );
  }

  #unaryHost() {
    return {
      routable: (exclude: ReadonlySet<string>) => this.#routable(exclude, undefined),
      onFailure: (state: EndpointState, error: KeelError) => this.#onFailure(state, error),
      events: this.#events,
      model: this.#options.model,
      maxAttempts: this.#options.maxAttempts ?? 3,
      timeoutMs: this.#options.firstTokenTimeoutMs ?? 60_000,
    };
  }

  /** One embeddings request for a batch. */
  #embedBatch(texts: string[], options: CallOptions | undefined) {
    return unaryCall(this.#unaryHost(), "embeddings", options, (state, o) => state.raw.embed(texts, o));
  }
}

/** Creates a fleet client; call `start()` to run the first health check and scrape. */
export function createFleet(options: FleetOptions): Fleet {
  return new Fleet(options);
}
