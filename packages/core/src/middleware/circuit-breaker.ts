import { InvalidRequestError, type KeelError } from "../errors.js";
import { type BreakerState, events as defaultEvents, type EventHub } from "../events.js";
import type { CallContext, Middleware, Model, ModelResponse, StreamEvent } from "../model.js";
import { wrapModel } from "../pipe.js";
import type { FailureRateRule } from "../shared-state/failure-window.js";
import { SharedCircuit } from "../shared-state/shared-circuit.js";
import type { SharedState } from "../shared-state/shared-state.js";
import { createModelStream } from "../stream/model-stream.js";
import { toKeelError } from "../to-keel-error.js";
import { callerGaveUp } from "./caller-gave-up.js";
import { Circuit } from "./circuit.js";
import { checkNumberOption } from "./option-checks.js";

/** Options of `circuitBreaker`. Give `failureThreshold`, `failureRate` or both (either opens it). */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures (as judged by `isFailure`) that open the circuit. A success resets the
   * count only when no failure was counted after that call started.
   */
  failureThreshold?: number;
  /**
   * Opens the circuit when, over a rolling `windowMs`, at least `minimumCalls` calls ended and
   * the failing share of them reached `threshold` (as LiteLLM's cooldown does).
   */
  failureRate?: FailureRateRule;
  /** How long an open circuit rejects calls before letting trial calls through, in ms. */
  cooldownMs: number;
  /** Trial calls let through at once while half-open. Default 1. */
  halfOpenMaxCalls?: number;
  /**
   * Whether an error says the model is unhealthy. Default `isHealthFailure`. Calls the caller
   * aborted, or whose deadline passed, never count.
   */
  isFailure?: (error: KeelError) => boolean;
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
  /** Where `breaker.changed` events go. Default: the global `events` hub. */
  events?: EventHub;
  /**
   * Keeps each circuit in a shared store (e.g. `redisSharedState` from `@keel/core/node`) so one
   * replica's trip is seen by all and only `halfOpenMaxCalls` trials run across the fleet. The
   * store's clock then times the cooldown and the window (`now` is not used).
   */
  store?: SharedState;
  /** Names the circuits in the store; each wrapped model's circuit is `<key>:<provider>:<model id>`. Default "breaker". */
  key?: string;
  /** With a store: how often a replica rereads a circuit it is not changing itself, in ms. Default 1000. */
  pollMs?: number;
  /**
   * With a store: how long a half-open trial holds its slot before another replica may take it
   * over (a replica that died mid-trial frees it this way), in ms. Default 60 000.
   */
  trialLeaseMs?: number;
}

/** A circuit-breaker middleware that can report the state of each model it wraps. */
export interface CircuitBreakerMiddleware extends Middleware {
  /**
   * The circuit state of a model this middleware wrapped: pass the wrapped model (as `pipe`
   * returned it) or its id. Throws when no wrapped model matches, or the id is ambiguous.
   */
  state(model: Model | string): BreakerState;
}

/**
 * The default `isFailure`: retryable errors (rate-limited, overloaded, timeout, network, ...) and
 * provider-unavailable say the provider is struggling; others (invalid-request, aborted,
 * content-filtered, ...) are about the request. An inner breaker's circuit-open is not counted twice.
 */
export function isHealthFailure(error: KeelError): boolean {
  if (error.code === "circuit-open") return false;
  return error.retryable || error.code === "provider-unavailable";
}

/**
 * Stops calling a failing model for a while: after `failureThreshold` consecutive failures (or
 * when the failing share of a rolling window reaches `failureRate.threshold`) calls fail at once
 * with `CircuitOpenError` (retryable, so `fallback` moves on) for `cooldownMs`; then up to
 * `halfOpenMaxCalls` trial calls go through: a success closes the circuit, a failure reopens it.
 * Each model this middleware wraps gets its own circuit. A stream succeeds when it ends normally
 * and fails when it throws; one the consumer abandons does not count.
 *
 * With a `store`, every replica shares each circuit: the one that sees the failures opens it
 * for all (the others see it within `pollMs`), and the trial slots are shared, so the fleet
 * sends `halfOpenMaxCalls` trials at a time, not that many per replica.
 */
export function circuitBreaker(options: CircuitBreakerOptions): CircuitBreakerMiddleware {
  checkNumberOption("circuitBreaker", "failureThreshold", options.failureThreshold, {
    integer: true,
    min: 1,
  });
  const rate = options.failureRate;
  if (options.failureThreshold === undefined && rate === undefined)
    throw new InvalidRequestError("circuitBreaker: give `failureThreshold`, `failureRate` or both");
  if (rate) {
    if (!(rate.threshold > 0 && rate.threshold <= 1))
      throw new InvalidRequestError(
        `circuitBreaker: option \`failureRate.threshold\` must be in (0, 1], got ${rate.threshold}`,
      );
    checkNumberOption("circuitBreaker", "failureRate.minimumCalls", rate.minimumCalls, {
      integer: true,
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    });
    checkNumberOption("circuitBreaker", "failureRate.windowMs", rate.windowMs, { positive: true });
  }
  checkNumberOption("circuitBreaker", "pollMs", options.pollMs, { positive: true });
  checkNumberOption("circuitBreaker", "trialLeaseMs", options.trialLeaseMs, { positive: true });
  checkNumberOption("circuitBreaker", "cooldownMs", options.cooldownMs);
  checkNumberOption("circuitBreaker", "halfOpenMaxCalls", options.halfOpenMaxCalls, {
    integer: true,
    min: 1,
  });
  const hub = options.events ?? defaultEvents;
  const isFailure = options.isFailure ?? isHealthFailure;
  const byModel = new WeakMap<Model, AnyCircuit>();
  const byId = new Map<string, AnyCircuit | "ambiguous">();

  const middleware = (next: Model): Model => {
    const config = {
      failureThreshold: options.failureThreshold,
      failureRate: rate,
      cooldownMs: options.cooldownMs,
      halfOpenMaxCalls: options.halfOpenMaxCalls ?? 1,
      now: options.now ?? Date.now,
      onChange: (from: BreakerState, to: BreakerState, context: CallContext | undefined) =>
        hub.emit("breaker.changed", { model: next.id, from, to }, context),
    };
    const circuit: AnyCircuit = options.store
      ? new SharedCircuit(next, options.store, `${options.key ?? "breaker"}:${next.provider}:${next.id}`, {
          ...config,
          pollMs: options.pollMs ?? 1000,
          trialLeaseMs: options.trialLeaseMs ?? 60_000,
        })
      : new Circuit(next, config);
    /** The local circuit answers at once; keep its path free of an extra await. */
    const admit = (context: CallContext | undefined) => circuit.admit(context);
    /** Counts a failure; a shared circuit has written it (and opened, if it trips) when this settles. */
    const settleFailure = (ticket: Ticket, thrown: unknown, context: CallContext | undefined) => {
      if (isFailure(toKeelError(thrown, next.provider))) return circuit.failed(ticket, context);
      else circuit.released(ticket);
    };

    const wrapped = wrapModel(next, {
      async generate(request, callOptions) {
        const context = callOptions?.context;
        const admitted = admit(context);
        const ticket = admitted instanceof Promise ? await admitted : admitted;
        try {
          const response = await next.generate(request, callOptions);
          circuit.succeeded(ticket, context);
          return response;
        } catch (thrown) {
          if (callerGaveUp(callOptions)) circuit.released(ticket);
          else {
            const writing = settleFailure(ticket, thrown, context);
            if (writing) await writing;
          }
          throw thrown;
        }
      },
      stream(request, callOptions) {
        const context = callOptions?.context;
        let inner: ModelResponse | undefined;
        async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
          const admitted = admit(context);
          const ticket = admitted instanceof Promise ? await admitted : admitted;
          let settled = false;
          try {
            const stream = next.stream(request, { ...callOptions, signal });
            for await (const event of stream) {
              if (event.type === "error") throw event.error;
              yield event;
            }
            inner = await stream.response;
            settled = true;
            circuit.succeeded(ticket, context);
          } catch (thrown) {
            settled = true;
            if (signal.aborted) circuit.released(ticket);
            else {
              const writing = settleFailure(ticket, thrown, context);
              if (writing) await writing;
            }
            throw thrown;
          } finally {
            // The consumer stopped iterating: that says nothing about the model.
            if (!settled) circuit.released(ticket);
          }
        }
        return createModelStream(produce, {
          provider: next.provider,
          model: next.id,
          options: callOptions,
          // Keep what inner middleware put on the response (failovers, cached, ...).
          finalize: (received) => inner ?? received,
        });
      },
    });
    byModel.set(wrapped, circuit);
    byId.set(next.id, byId.has(next.id) ? "ambiguous" : circuit);
    return wrapped;
  };

  return Object.assign(middleware, {
    state(model: Model | string): BreakerState {
      const circuit = typeof model === "string" ? byId.get(model) : byModel.get(model);
      const name = typeof model === "string" ? model : model.id;
      if (circuit === "ambiguous")
        throw new InvalidRequestError(
          `circuitBreaker: several wrapped models are called ${name}; pass the model itself`,
        );
      if (!circuit)
        throw new InvalidRequestError(`circuitBreaker: no model called ${name} is wrapped by this breaker`);
      return circuit.state();
    },
  });
}

/** What the middleware needs of a circuit, kept in this process or in a shared store. */
type Ticket = object;
interface AnyCircuit {
  state(): BreakerState;
  admit(context: CallContext | undefined): Ticket | Promise<Ticket>;
  succeeded(ticket: Ticket, context: CallContext | undefined): void;
  failed(ticket: Ticket, context: CallContext | undefined): void | Promise<void>;
  released(ticket: Ticket): void;
}
