import { ContextLengthExceededError } from "../errors.js";
import type { Middleware, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import { type ModelRegistry, modelRegistry } from "../registry/model-registry.js";
import { deferStream, forward } from "../stream/stream-helpers.js";
import { type FitOptions, fitToBudget } from "./fit-to-budget.js";

export interface FitContextOptions extends Omit<FitOptions, "maxInputTokens" | "model" | "context"> {
  /** Defaults to the model's context window minus the request's `maxOutputTokens` (or the model's max output). */
  maxInputTokens?: number;
  registry?: ModelRegistry;
}

/**
 * Middleware that fits every request to the model's window with `fitToBudget` before sending
 * it, and fails with `ContextLengthExceededError` (before any provider call) when the
 * strategies cannot make it fit.
 */
export function fitContext(options: FitContextOptions): Middleware {
  const registry = options.registry ?? modelRegistry;
  return (next) => {
    async function fitRequest(
      request: ModelRequest,
      context?: Record<string, string | undefined>,
    ): Promise<ModelRequest> {
      const info = registry.get(next.id);
      const max =
        options.maxInputTokens ??
        (info ? info.contextWindow - (request.maxOutputTokens ?? info.maxOutputTokens) : undefined);
      if (max === undefined)
        throw new ContextLengthExceededError(
          `fitContext: no context window known for model "${next.id}"; pass maxInputTokens or register the model`,
        );
      const { request: fitted, report } = await fitToBudget(request, {
        ...options,
        maxInputTokens: max,
        model: next,
        ...(context ? { context } : {}),
      });
      if (!report.fits)
        throw new ContextLengthExceededError(
          `request needs ${report.tokensAfter} input tokens after ${report.cuts.length} cuts; the budget is ${max}`,
          { provider: next.provider },
        );
      return fitted;
    }
    return wrapModel(next, {
      async generate(request, callOptions) {
        return next.generate(await fitRequest(request, callOptions?.context), callOptions);
      },
      stream(request, callOptions) {
        let final: ModelResponse | undefined;
        return deferStream(
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
          async function* () {
            const fitted = await fitRequest(request, callOptions?.context);
            yield* forward(next.stream(fitted, callOptions), (r) => (final = r));
          },
          () => final,
        );
      },
    });
  };
}
