import type { KeelError } from "./errors.js";
import type { AssistantPart, Message } from "./messages.js";
import type { CallContext, Failover, FinishReason, ModelRequest, Usage } from "./model.js";

/** The request settings recorded on `model.call.started` (the GenAI `gen_ai.request.*` attributes). */
export type ModelCallParams = Pick<
  ModelRequest,
  | "temperature"
  | "topP"
  | "topK"
  | "frequencyPenalty"
  | "presencePenalty"
  | "seed"
  | "stop"
  | "maxOutputTokens"
> & {
  /** `json` when the request asked for structured output. */
  output?: "text" | "json";
  /** Names of the tools offered. */
  tools?: string[];
};

/**
 * Payloads of every telemetry event, keyed by type (noun.verb). Other packages add theirs
 * with declaration merging: `declare module "@keel/core" { interface KeelEventMap { ... } }`.
 */
export interface KeelEventMap {
  "model.call.started": {
    provider: string;
    model: string;
    stream: boolean;
    /** Pairs this event with the call's `finished` or `failed` event. */
    callId?: string;
    params?: ModelCallParams;
    /** The prompt, redacted; only when content capture is on. */
    input?: Message[];
  };
  "model.call.finished": {
    provider: string;
    model: string;
    servedModel?: string;
    requestId?: string;
    usage: Usage;
    finishReason: FinishReason;
    durationMs: number;
    timeToFirstTokenMs?: number;
    callId?: string;
    /** Time spent in Keel queues, when the observer wraps the queueing middleware. */
    queuedMs?: number;
    /** True when the answer came from a cache. */
    cached?: boolean;
    failovers?: Failover[];
    /** The answer, redacted; only when content capture is on. */
    output?: AssistantPart[];
  };
  "model.call.failed": {
    provider: string;
    model: string;
    error: KeelError;
    durationMs: number;
    callId?: string;
    timeToFirstTokenMs?: number;
  };
  "retry.attempted": { model: string; attempt: number };
  "retry.scheduled": { model: string; attempt: number; delayMs: number; error: KeelError };
  "fallback.taken": { from: string; to: string; error: KeelError; midStream: boolean };
  "breaker.changed": { model: string; from: BreakerState; to: BreakerState };
  "hedge.sent": { model: string; afterMs: number };
  "hedge.won": { model: string; hedged: boolean };
  "timeout.fired": {
    model: string;
    afterMs: number;
    /** Which limit fired: the middleware's total `ms`, the caller's deadline, first token, or idle (stall). */
    limit?: "total" | "deadline" | "first-token" | "idle";
  };
  "concurrency.queued": { model: string; queueLength: number };
  "rate-limit.waited": { model: string; waitMs: number; reason: "requests" | "tokens" };
  /** A guard (`@keel/core/guard`) found an attack, PII or a leak, and what it did about it. */
  "guard.flagged": {
    model: string;
    stage: "input" | "output";
    action: "block" | "sanitize" | "redact" | "flag";
    /** Rule, detector or PII type ids, never the matched text. */
    findings: string[];
    score?: number;
  };
  /** The data-residency policy kept a sensitive request away from a model not approved for it. */
  "residency.refused": { model: string; provider: string };
}

export type BreakerState = "closed" | "open" | "half-open";

export type KeelEventType = keyof KeelEventMap;

/** One telemetry event: its type, when it happened, the unit of work it belongs to, and its payload. */
export type KeelEvent = {
  [K in KeelEventType]: { type: K; time: number; context?: CallContext } & KeelEventMap[K];
}[KeelEventType];

export type EventListener = (event: KeelEvent) => void;

/** Fans events out to listeners. Emitting with no listener costs one size check. */
export class EventHub {
  #listeners = new Set<EventListener>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** True when someone listens; check it before building an expensive payload. */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Sends an event to every listener. A throwing listener never breaks the call that emitted. */
  emit<K extends KeelEventType>(type: K, payload: KeelEventMap[K], context?: CallContext): void {
    if (this.#listeners.size === 0) return;
    const event = { type, time: Date.now(), ...(context ? { context } : {}), ...payload } as KeelEvent;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A broken sink must not fail model calls.
      }
    }
  }
}

/** The process-wide hub that middleware and providers emit to unless given another. */
export const events = new EventHub();

/** Subscribes to the process-wide event hub. */
export function onEvent(listener: EventListener): () => void {
  return events.on(listener);
}
