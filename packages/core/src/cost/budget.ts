import { BudgetExceededError, InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { type ModelRegistry, modelRegistry } from "../registry/model-registry.js";
import { memorySharedState } from "../shared-state/memory-shared-state.js";
import type { SharedState } from "../shared-state/shared-state.js";
import { deferStream, forward } from "../stream/stream-helpers.js";
import { countMessageTokens } from "../tokens/message-tokens.js";
import { costOf, estimateCost } from "./cost-of.js";

/** Which calls share one budget: all of them, per tenant, per workflow (flowId), per run, or your own key. */
export type BudgetScope =
  | "global"
  | "tenant"
  | "flow"
  | "run"
  | ((request: ModelRequest, options?: CallOptions) => string);

export interface BudgetOptions {
  limitUsd: number;
  scope?: BudgetScope;
  /** Throw `BudgetExceededError` (default), or send the call to a cheaper model when that one fits. */
  onExceed?: "throw" | { downgradeTo: Model };
  /** Output tokens assumed when the request sets no `maxOutputTokens` (default 1024). */
  assumeOutputTokens?: number;
  registry?: ModelRegistry;
  events?: EventHub;
  /**
   * The limit applies per window of this length (e.g. 86 400 000 for a daily budget), aligned to
   * the store's clock; each window starts from $0. Default: one window that never ends.
   */
  windowMs?: number;
  /**
   * Keeps spend in a shared store (e.g. `redisSharedState` from `@keel/core/node`) so every
   * replica draws on one budget per scope. Default: this process's memory.
   */
  store?: SharedState;
  /** Names the budget in the store: middleware with the same store and key share spend. Default "budget". */
  key?: string;
}

/** Spend and in-flight reservations per scope key. */
interface Account {
  spent: number;
  reserved: number;
}

/**
 * Stops, or downgrades, calls that would take a scope past its dollar limit. Before each call
 * it estimates the cost (input tokens counted for the model, plus `maxOutputTokens` or
 * `assumeOutputTokens` of output, at registry prices) and reserves it, so concurrent calls
 * cannot overspend together; after the call the reservation is replaced by the real cost.
 * Budgets live in this process's memory unless a `store` is given; with `windowMs` they reset
 * each window. In a store, spend and reservations of one scope are one counter per window
 * (one round trip to reserve, one to settle).
 */
export function budget(options: BudgetOptions): Middleware {
  if (!(options.limitUsd >= 0))
    throw new InvalidRequestError(`budget: limitUsd must be >= 0, got ${options.limitUsd}`);
  if (options.windowMs !== undefined && !(options.windowMs > 0 && Number.isFinite(options.windowMs)))
    throw new InvalidRequestError(`budget: windowMs must be a positive number, got ${options.windowMs}`);
  if (options.store || options.windowMs !== undefined) return sharedBudget(options);
  const registry = options.registry ?? modelRegistry;
  const hub = options.events ?? globalEvents;
  const accounts = new Map<string, Account>();
  const scopeKey = scopeKeyOf(options.scope ?? "global");
  const estimate = estimatorOf(options, registry);

  /** Picks the model to call and reserves its estimate, or throws. */
  async function admit(next: Model, request: ModelRequest, callOptions?: CallOptions) {
    const key = scopeKey(request, callOptions);
    let account = accounts.get(key);
    if (!account) {
      account = { spent: 0, reserved: 0 };
      accounts.set(key, account);
    }
    const onExceed = options.onExceed ?? "throw";
    const cost = await estimate(next, request);
    // Each check is followed by its reservation with no await between, so they act as one step.
    if (account.spent + account.reserved + cost <= options.limitUsd) {
      account.reserved += cost;
      return { model: next, key, account, reserved: cost };
    }
    if (onExceed !== "throw") {
      const cheaper = await estimate(onExceed.downgradeTo, request);
      if (account.spent + account.reserved + cheaper <= options.limitUsd) {
        account.reserved += cheaper;
        const detail = { scope: key, limitUsd: options.limitUsd, spentUsd: account.spent };
        hub.emit(
          "budget.downgraded",
          { from: next.id, to: onExceed.downgradeTo.id, ...detail },
          callOptions?.context,
        );
        return { model: onExceed.downgradeTo, key, account, reserved: cheaper };
      }
    }
    hub.emit(
      "budget.exceeded",
      { model: next.id, scope: key, limitUsd: options.limitUsd, spentUsd: account.spent, estimateUsd: cost },
      callOptions?.context,
    );
    throw new BudgetExceededError(
      `budget "${key}" of $${options.limitUsd} would be exceeded: spent $${account.spent.toFixed(6)}, ` +
        `in flight $${account.reserved.toFixed(6)}, this call ~$${cost.toFixed(6)}`,
    );
  }

  const settle = (
    admitted: { model: Model; account: Account; reserved: number },
    response?: ModelResponse,
  ) => {
    admitted.account.reserved -= admitted.reserved;
    if (!response || response.cached) return;
    const info = registry.get(response.model.served ?? admitted.model.id) ?? registry.get(admitted.model.id);
    // Unknown usage pricing falls back to the estimate: a budget must never undercount.
    admitted.account.spent += costOf(response.usage, info)?.totalUsd ?? admitted.reserved;
  };

  return (next) =>
    wrapModel(next, {
      async generate(request, callOptions) {
        const admitted = await admit(next, request, callOptions);
        try {
          const response = await admitted.model.generate(request, callOptions);
          settle(admitted, response);
          return response;
        } catch (error) {
          settle(admitted);
          throw error;
        }
      },
      stream(request, callOptions) {
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
          async function* () {
            const admitted = await admit(next, request, callOptions);
            try {
              yield* forward(admitted.model.stream(request, callOptions), (r) => (final = r));
            } finally {
              settle(admitted, final);
            }
          },
          () => final,
        );
      },
    });
}

/** How a scope names the budget a call draws on. */
function scopeKeyOf(scope: BudgetScope) {
  return (request: ModelRequest, callOptions?: CallOptions): string => {
    if (typeof scope === "function") return scope(request, callOptions);
    if (scope === "global") return "global";
    if (scope === "tenant") return `tenant:${request.tenant ?? callOptions?.context?.tenant ?? ""}`;
    if (scope === "flow") return `flow:${callOptions?.context?.flowId ?? ""}`;
    return `run:${callOptions?.context?.runId ?? ""}`;
  };
}

/** Estimates a call's cost before it is sent: counted input, assumed output, registry prices. */
function estimatorOf(options: BudgetOptions, registry: ModelRegistry) {
  const assumeOutput = options.assumeOutputTokens ?? 1024;
  const pricingOf = (model: Model) => {
    const pricing = registry.get(model.id)?.pricing;
    if (!pricing)
      throw new InvalidRequestError(
        `budget: no price known for model "${model.id}"; register it in the model registry`,
      );
    return pricing;
  };
  return async (model: Model, request: ModelRequest) =>
    estimateCost(
      await countMessageTokens(request, model),
      request.maxOutputTokens ?? assumeOutput,
      pricingOf(model),
    );
}

/** `budget` on a `SharedState`: one counter per scope and window holds spend plus reservations. */
function sharedBudget(options: BudgetOptions): Middleware {
  const registry = options.registry ?? modelRegistry;
  const hub = options.events ?? globalEvents;
  const store = options.store ?? memorySharedState();
  const windowMs = options.windowMs ?? 0;
  const name = options.key ?? "budget";
  const scopeKey = scopeKeyOf(options.scope ?? "global");
  const estimate = estimatorOf(options, registry);
  const limitUsd = options.limitUsd;

  interface Reservation {
    model: Model;
    counter: string;
    window: number;
    reserved: number;
  }

  async function reserve(counter: string, cost: number) {
    return store.addToCounter({ key: counter, windowMs, delta: cost, limit: limitUsd });
  }

  async function admit(next: Model, request: ModelRequest, callOptions?: CallOptions): Promise<Reservation> {
    const key = scopeKey(request, callOptions);
    const counter = `${name}:${key}`;
    const cost = await estimate(next, request);
    const first = await reserve(counter, cost);
    if (first.ok) return { model: next, counter, window: first.window, reserved: cost };
    const onExceed = options.onExceed ?? "throw";
    if (onExceed !== "throw") {
      const cheaper = await estimate(onExceed.downgradeTo, request);
      const second = await reserve(counter, cheaper);
      if (second.ok) {
        hub.emit(
          "budget.downgraded",
          { from: next.id, to: onExceed.downgradeTo.id, scope: key, limitUsd, spentUsd: first.total },
          callOptions?.context,
        );
        return { model: onExceed.downgradeTo, counter, window: second.window, reserved: cheaper };
      }
    }
    hub.emit(
      "budget.exceeded",
      { model: next.id, scope: key, limitUsd, spentUsd: first.total, estimateUsd: cost },
      callOptions?.context,
    );
    throw new BudgetExceededError(
      `budget "${key}" of $${limitUsd}${windowMs ? ` per ${windowMs} ms` : ""} would be exceeded: ` +
        `spent and in flight $${first.total.toFixed(6)}, this call ~$${cost.toFixed(6)}`,
    );
  }

  /** Replaces the reservation with the real cost, in the window it was reserved in. */
  async function settle(admitted: Reservation, response?: ModelResponse) {
    // As in memory: a failed or cached call costs nothing.
    let actual = 0;
    if (response && !response.cached) {
      const info =
        registry.get(response.model.served ?? admitted.model.id) ?? registry.get(admitted.model.id);
      actual = costOf(response.usage, info)?.totalUsd ?? admitted.reserved;
    }
    const delta = actual - admitted.reserved;
    if (delta !== 0)
      await store.addToCounter({ key: admitted.counter, windowMs, delta, window: admitted.window });
  }

  return (next) =>
    wrapModel(next, {
      async generate(request, callOptions) {
        const admitted = await admit(next, request, callOptions);
        let response: ModelResponse | undefined;
        try {
          response = await admitted.model.generate(request, callOptions);
          return response;
        } finally {
          await settle(admitted, response);
        }
      },
      stream(request, callOptions) {
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
          async function* () {
            const admitted = await admit(next, request, callOptions);
            try {
              yield* forward(admitted.model.stream(request, callOptions), (r) => (final = r));
            } finally {
              await settle(admitted, final);
            }
          },
          () => final,
        );
      },
    });
}
