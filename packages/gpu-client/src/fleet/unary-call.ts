import {
  type CallOptions,
  type EventHub,
  type KeelError,
  ProviderUnavailableError,
  TimeoutError,
} from "@keel/core";
import { abortReason, toKeelError } from "@keel/core/provider";
import { SERVER_ROUTES } from "../server-kinds.js";
import type { EndpointState } from "./endpoint-state.js";

/** What a call that is not a generation needs from the fleet. */
export interface UnaryCallHost {
  /** Endpoints that may take a request now, not in `exclude`. */
  routable(exclude: ReadonlySet<string>): EndpointState[];
  /** Passive health: what a failed attempt does to its endpoint. */
  onFailure(state: EndpointState, error: KeelError): void;
  events: EventHub;
  /** The fleet's model, for telemetry. */
  model: string;
  maxAttempts: number;
  /** An attempt with no answer by then fails with `TimeoutError` and moves on. */
  timeoutMs: number;
}

/**
 * One request that is not a generation (embeddings, rerank, tokenize) on the least loaded
 * routable endpoint whose kind has the route; passive health and failover as for generations:
 * a retryable failure (connection, 503, overload, or no answer within `timeoutMs`) moves to the
 * next endpoint, up to `maxAttempts`, and a 4xx is the caller's error at once.
 */
export async function unaryCall<T>(
  host: UnaryCallHost,
  route: "embeddings" | "rerank" | "tokenize",
  options: CallOptions | undefined,
  call: (state: EndpointState, options: CallOptions) => Promise<T>,
): Promise<T> {
  const tried = new Set<string>();
  let lastError: KeelError | undefined;
  for (let attempt = 1; attempt <= host.maxAttempts; attempt++) {
    const pool = host.routable(tried).filter((s) => SERVER_ROUTES[s.raw.target.kind][route]);
    if (pool.length === 0) break;
    const state = pool.reduce((a, b) => (a.inflight / a.weight <= b.inflight / b.weight ? a : b));
    host.events.emit(
      "gpu.routed",
      {
        model: host.model,
        endpoint: state.id,
        policy: "least-outstanding",
        reason: `${route}: fewest in flight (${state.inflight})`,
        attempt,
        queuedMs: 0,
      },
      options?.context,
    );
    state.inflight++;
    // The caller's signal, plus a timeout that makes a hung server a failover like any other.
    const attemptSignal = new AbortController();
    const forward = () => attemptSignal.abort(options?.signal?.reason);
    options?.signal?.addEventListener("abort", forward, { once: true });
    let timedOut: TimeoutError | undefined;
    const timer = setTimeout(() => {
      timedOut = new TimeoutError(`${state.id}: no ${route} answer after ${host.timeoutMs} ms`, {
        provider: state.id,
      });
      attemptSignal.abort(timedOut);
    }, host.timeoutMs);
    try {
      const result = await call(state, { ...options, signal: attemptSignal.signal });
      state.failures = 0;
      return result;
    } catch (thrown) {
      if (options?.signal?.aborted) throw abortReason(options.signal);
      const error = timedOut ?? toKeelError(thrown, state.id);
      host.onFailure(state, error);
      if (!(error.retryable || error.code === "provider-unavailable")) throw error;
      lastError = error;
      tried.add(state.id);
      host.events.emit(
        "gpu.rerouted",
        { model: host.model, from: state.id, error, attempt },
        options?.context,
      );
    } finally {
      clearTimeout(timer);
      options?.signal?.removeEventListener("abort", forward);
      state.inflight--;
    }
  }
  throw (
    lastError ??
    new ProviderUnavailableError(`gpu-client: no healthy endpoint serves ${route}`, {
      provider: "gpu-client",
    })
  );
}
