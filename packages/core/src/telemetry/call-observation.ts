import type { KeelError } from "../errors.js";
import type { EventHub, ModelCallParams } from "../events.js";
import type { CallContext, CallOptions, Model, ModelRequest, ModelResponse } from "../model.js";
import { toKeelError } from "../to-keel-error.js";
import { contentRedactor, redactAnswer, redactMessages } from "./content-capture.js";

/** The `gen_ai.request.*` settings of a request, without undefined fields. */
export function paramsOf(request: ModelRequest): ModelCallParams {
  const params: ModelCallParams = {};
  for (const key of PARAM_KEYS)
    if (request[key] !== undefined) (params as Record<string, unknown>)[key] = request[key];
  if (request.responseFormat) params.output = request.responseFormat.type;
  if (request.tools?.length) params.tools = request.tools.map((t) => t.name);
  return params;
}

const PARAM_KEYS = [
  "temperature",
  "topP",
  "topK",
  "frequencyPenalty",
  "presencePenalty",
  "seed",
  "stop",
  "maxOutputTokens",
] as const satisfies ReadonlyArray<keyof ModelRequest>;

// Call ids: a random per-process prefix and a counter; unique across processes, and cheaper
// than a UUID per call. The prefix is drawn on first use: Workers runtimes forbid random values
// at module load (global scope).
let idPrefix: string | undefined;
let lastCall = 0;
const nextCallId = () => {
  idPrefix ??= Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  return `${idPrefix}-${(++lastCall).toString(36)}`;
};

/** The call's context, with the request's tenant added when the context has none. */
function contextOf(request: ModelRequest, options: CallOptions | undefined): CallContext | undefined {
  const context = options?.context;
  if (request.tenant === undefined || context?.tenant !== undefined) return context;
  return { ...context, tenant: request.tenant };
}

/**
 * One observed model call: emits `model.call.started` once, then exactly one of
 * `model.call.finished` or `model.call.failed`. Created only when the hub has listeners.
 */
export class CallObservation {
  readonly #hub: EventHub;
  readonly #model: Model;
  readonly #request: ModelRequest;
  readonly #stream: boolean;
  readonly #context: CallContext | undefined;
  readonly #callId = nextCallId();
  #startedAt = 0;
  #firstTokenAt: number | undefined;
  #settled = false;

  constructor(
    hub: EventHub,
    model: Model,
    request: ModelRequest,
    options: CallOptions | undefined,
    stream: boolean,
  ) {
    this.#hub = hub;
    this.#model = model;
    this.#request = request;
    this.#stream = stream;
    this.#context = contextOf(request, options);
  }

  /** Marks the request as sent. */
  start(): void {
    this.#startedAt = Date.now();
    const redact = contentRedactor(this.#hub);
    this.#hub.emit(
      "model.call.started",
      {
        provider: this.#model.provider,
        model: this.#model.id,
        stream: this.#stream,
        callId: this.#callId,
        params: paramsOf(this.#request),
        ...(redact ? { input: redactMessages(this.#request.messages, redact) } : {}),
      },
      this.#context,
    );
  }

  /** Marks the first content event of a stream. */
  firstToken(): void {
    this.#firstTokenAt ??= Date.now();
  }

  finished(response: ModelResponse): void {
    if (this.#settled) return;
    this.#settled = true;
    const { timings } = response;
    const ttft =
      this.#firstTokenAt !== undefined ? this.#firstTokenAt - this.#startedAt : timings.timeToFirstTokenMs;
    const redact = contentRedactor(this.#hub);
    this.#hub.emit(
      "model.call.finished",
      {
        provider: this.#model.provider,
        model: this.#model.id,
        ...(response.model.served !== undefined ? { servedModel: response.model.served } : {}),
        ...(response.requestId !== undefined ? { requestId: response.requestId } : {}),
        usage: response.usage,
        finishReason: response.finishReason,
        durationMs: Date.now() - this.#startedAt,
        ...(ttft !== undefined ? { timeToFirstTokenMs: ttft } : {}),
        callId: this.#callId,
        ...(timings.queuedMs !== undefined ? { queuedMs: timings.queuedMs } : {}),
        ...(response.cached ? { cached: true } : {}),
        ...(response.failovers?.length ? { failovers: response.failovers } : {}),
        ...(redact ? { output: redactAnswer(response.content, redact) } : {}),
      },
      this.#context,
    );
  }

  failed(thrown: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    const error: KeelError = toKeelError(thrown, this.#model.provider);
    this.#hub.emit(
      "model.call.failed",
      {
        provider: this.#model.provider,
        model: this.#model.id,
        error,
        durationMs: Date.now() - this.#startedAt,
        callId: this.#callId,
        ...(this.#firstTokenAt !== undefined
          ? { timeToFirstTokenMs: this.#firstTokenAt - this.#startedAt }
          : {}),
      },
      this.#context,
    );
  }
}
