import type { CallOptions, Middleware, ModelRequest, ModelResponse } from "../model.js";
import { wrapModel } from "../pipe.js";
import type { ModelRegistry } from "../registry/model-registry.js";
import { modelRegistry } from "../registry/model-registry.js";
import { tapStream } from "../stream/stream-helpers.js";
import type { CostTracker } from "./cost-tracker.js";

/**
 * Records the cost of every successful call into a tracker, keyed by `request.tenant` and the
 * call context (flowId, runId, stepId). Prices come from the registry by the model that served
 * the answer. Put it first in `pipe` to count every attempt (retries, fallbacks), or last to
 * count one entry per logical call.
 */
export function trackCost(tracker: CostTracker, options: { registry?: ModelRegistry } = {}): Middleware {
  const registry = options.registry ?? modelRegistry;
  return (next) => {
    const record = (request: ModelRequest, callOptions: CallOptions | undefined, response: ModelResponse) => {
      const model = response.model.served ?? response.model.requested ?? next.id;
      const info = registry.get(model) ?? registry.get(next.id);
      const tenant = request.tenant ?? callOptions?.context?.tenant;
      tracker.record({
        model,
        provider: response.provider,
        usage: response.usage,
        cached: response.cached === true,
        ...(tenant !== undefined ? { tenant } : {}),
        ...(callOptions?.context ? { context: callOptions.context } : {}),
        ...(info ? { info } : {}),
      });
    };
    return wrapModel(next, {
      async generate(request, callOptions) {
        const response = await next.generate(request, callOptions);
        record(request, callOptions, response);
        return response;
      },
      stream(request, callOptions) {
        return tapStream(next.stream(request, callOptions), (response) =>
          record(request, callOptions, response),
        );
      },
    });
  };
}
