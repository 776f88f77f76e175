import { InvalidRequestError, type KeelError } from "../errors.js";
import { type BreakerState, events as defaultEvents, type EventHub } from "../events.js";
import type { CallContext, Middleware, Model, ModelResponse, StreamEvent } from "../model.js";
import { wrapModel } from "../pipe.js";
import { createModelStream } from "../stream/model-stream.js";
import { toKeelError } from "../to-keel-error.js";
import { callerGaveUp } from "./caller-gave-up.js";
import { Circuit } from "./circuit.js";
import { checkNumberOption } from "./option-checks.js";

/** Options of `circuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Consecutive failures (as judged by `isFailure`) that open the circuit. */
  failureThreshold: number;
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
 * Stops calling a failing model for a while: after `failureThreshold` consecutive failures calls
 * fail at once with `CircuitOpenError` (retryable, so `fallback` moves on) for `cooldownMs`; then
 * up to `halfOpenMaxCalls` trial calls go through: a success closes the circuit, a failure
 * reopens it. Each model this middleware wraps gets its own circuit. A stream succeeds when it
 * ends normally and fails when it throws; one the consumer abandons does not count.
 */
export function circuitBreaker(options: CircuitBreakerOptions): CircuitBreakerMiddleware {
  checkNumberOption("circuitBreaker", "failureThreshold", options.failureThreshold, {
    integer: true,
    min: 1,
  });
  checkNumberOption("circuitBreaker", "cooldownMs", options.cooldownMs);
  checkNumberOption("circuitBreaker", "halfOpenMaxCalls", options.halfOpenMaxCalls, {
    integer: true,
    min: 1,
  });
  const hub = options.events ?? defaultEvents;
  const isFailure = options.isFailure ?? isHealthFailure;
  const byModel = new WeakMap<Model, Circuit>();
  const byId = new Map<string, Circuit | "ambiguous">();

  const middleware = (next: Model): Model => {
    const circuit = new Circuit(next, {
      failureThreshold: options.failureThreshold,
      cooldownMs: options.cooldownMs,
      halfOpenMaxCalls: options.halfOpenMaxCalls ?? 1,
      now: options.now ?? Date.now,
      onChange: (from, to, context) => hub.emit("breaker.changed", { model: next.id, from, to }, context),
    });
    const settleFailure = (ticket: number, thrown: unknown, context: CallContext | undefined) => {
      if (isFailure(toKeelError(thrown, next.provider))) circuit.failed(ticket, context);
      else circuit.released(ticket);
    };

    const wrapped = wrapModel(next, {
      async generate(request, callOptions) {
        const context = callOptions?.context;
        const ticket = circuit.admit(context);
        try {
          const response = await next.generate(request, callOptions);
          circuit.succeeded(ticket, context);
          return response;
        } catch (thrown) {
          if (callerGaveUp(callOptions)) circuit.released(ticket);
          else settleFailure(ticket, thrown, context);
          throw thrown;
        }
      },
      stream(request, callOptions) {
        const context = callOptions?.context;
        let inner: ModelResponse | undefined;
        async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
          const ticket = circuit.admit(context);
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
            else settleFailure(ticket, thrown, context);
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
