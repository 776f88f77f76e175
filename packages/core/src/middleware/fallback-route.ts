import type { KeelError, KeelErrorCode } from "../errors.js";
import type { Failover, Model } from "../model.js";

/** Decides whether `to` may take over a call after `from` failed with `error`. */
export type FallbackPolicy = (error: KeelError, from: Model, to: Model) => boolean;

/** One failed model call made by `fallback`, in the order they happened. */
export interface FallbackAttempt {
  /** The provider of the model called. */
  provider: string;
  /** The id of the model called. */
  model: string;
  /** What it failed with. */
  error: KeelError;
}

/** Errors that say the model or its provider is unavailable right now, so another one may succeed. */
const SWITCH_CODES: ReadonlySet<KeelErrorCode> = new Set([
  "rate-limited",
  "quota-exhausted",
  "overloaded",
  "provider-unavailable",
  "network",
  "timeout",
  "circuit-open",
]);

/**
 * The default fallback policy. Context-length-exceeded moves only to a model whose known context
 * window is larger than the failed one's; availability errors (rate-limited, quota-exhausted,
 * overloaded, provider-unavailable, network, timeout, circuit-open) move to any model; an error
 * of unknown kind moves when it is marked retryable, and so does an output-parse error marked
 * retryable (adapters mark a body broken on the way that way: truncated JSON, a malformed SSE
 * line, a proxy's HTML page); anything else (content-filtered, invalid-request, authentication,
 * permission, an output-parse error in the model's answer itself, aborted, budget-exceeded) would
 * fail the same way elsewhere and is rethrown.
 */
export const defaultShouldFallback: FallbackPolicy = (error, from, to) => {
  if (error.code === "context-length-exceeded") return windowOf(to) > windowOf(from);
  if (error.code === "unknown" || error.code === "output-parse") return error.retryable;
  return SWITCH_CODES.has(error.code);
};

const ATTEMPTS = Symbol.for("keel.fallback.attempts");

/**
 * The calls `fallback` made before it gave up, oldest first, ending with the one that threw
 * `error`; undefined for errors that did not come out of `fallback`.
 */
export function fallbackAttempts(error: unknown): readonly FallbackAttempt[] | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as { [ATTEMPTS]?: FallbackAttempt[] })[ATTEMPTS];
}

/** The state of one call moving down a fallback chain: who is serving it, who is left, what failed. */
export class FallbackRoute {
  readonly attempts: FallbackAttempt[] = [];
  readonly failovers: Failover[] = [];
  #current: Model;
  #untried: Model[];
  /** Once a model ran out of context, smaller windows cannot serve the call either. */
  #windowAbove = Number.NEGATIVE_INFINITY;

  constructor(
    chain: readonly Model[],
    private readonly policy: { shouldFallback: FallbackPolicy; preferOtherProvider: boolean },
  ) {
    this.#current = chain[0]!;
    this.#untried = chain.slice(1);
  }

  /** The model serving the call now. */
  get current(): Model {
    return this.#current;
  }

  /** Records that the current model failed with `error` and picks the model to take over, if any. */
  choose(error: KeelError): Model | undefined {
    const from = this.#current;
    this.attempts.push({ provider: from.provider, model: from.id, error });
    if (error.code === "context-length-exceeded")
      this.#windowAbove = Math.max(this.#windowAbove, windowOf(from));
    const eligible = this.#untried.filter(
      (to) => windowOf(to) > this.#windowAbove && this.policy.shouldFallback(error, from, to),
    );
    const spreadOut = this.policy.preferOtherProvider && error.code !== "context-length-exceeded";
    return (spreadOut && eligible.find((to) => to.provider !== from.provider)) || eligible[0];
  }

  /** Hands the call over to `next` (as returned by `choose`), recording the hop. */
  hop(next: Model, error: KeelError, deliveredText?: string): Failover {
    const failover: Failover = {
      from: this.#current.id,
      to: next.id,
      errorCode: error.code,
      ...(deliveredText !== undefined ? { deliveredText } : {}),
    };
    this.failovers.push(failover);
    this.#untried = this.#untried.filter((m) => m !== next);
    this.#current = next;
    return failover;
  }

  /** `error`, carrying the attempts (read them with `fallbackAttempts`), ready to be thrown. */
  giveUp(error: KeelError): KeelError {
    Object.defineProperty(error, ATTEMPTS, { value: [...this.attempts], configurable: true });
    return error;
  }
}

function windowOf(model: Model): number {
  return model.capabilities.contextWindow ?? 0;
}
