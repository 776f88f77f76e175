import { BudgetExceededError, InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { type ModelRegistry, modelRegistry } from "../registry/model-registry.js";
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
 * Budgets live in this process's memory.
 */
export function budget(options: BudgetOptions): Middleware {
  if (!(options.limitUsd >= 0))
    throw new InvalidRequestError(`budget: limitUsd must be >= 0, got ${options.limitUsd}`);
  const registry = options.registry ?? modelRegistry;
  const hub = options.events ?? globalEvents;
  const accounts = new Map<string, Account>();
  const assumeOutput = options.assumeOutputTokens ?? 1024;
  const scope = options.scope ?? "global";

  const scopeKey = (request: ModelRequest, callOptions?: CallOptions): string => {
    if (typeof scope === "function") return scope(request, callOptions);
    if (scope === "global") return "global";
    if (scope === "tenant") return `tenant:${request.tenant ?? callOptions?.context?.tenant ?? ""}`;
    if (scope === "flow") return `flow:${callOptions?.context?.flowId ?? ""}`;
    return `run:${callOptions?.context?.runId ?? ""}`;
  };

  const pricingOf = (model: Model) => {
    const pricing = registry.get(model.id)?.pricing;
    if (!pricing)
      throw new InvalidRequestError(
        `budget: no price known for model "${model.id}"; register it in the model registry`,
      );
    return pricing;
  };

  const estimate = async (model: Model, request: ModelRequest) =>
    estimateCost(
      await countMessageTokens(request, model),
      request.maxOutputTokens ?? assumeOutput,
      pricingOf(model),
    );

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
