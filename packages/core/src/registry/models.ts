import { CURATED_MODELS } from "./curated-models.js";
import { GENERATED_PRICES, PRICE_SOURCE } from "./generated-prices.js";
import type { ModelInfo } from "./model-info.js";

/**
 * The version of the built-in model data: the curated facts' revision and the price catalogue's
 * version. Bump the first part when a curated figure changes; regenerating prices moves the second.
 */
export const MODEL_DATA_VERSION = `2026.12.1+genai-prices.${PRICE_SOURCE.version}`;

/**
 * The built-in models: curated ids, limits and capabilities, with prices and context windows from
 * `@pydantic/genai-prices` (`PRICE_SOURCE`) where it has them. Override at run time with
 * `modelRegistry.override` (a negotiated price, say) or add models with `register`.
 */
export const MODELS: ModelInfo[] = CURATED_MODELS.map((model) => {
  const generated = GENERATED_PRICES[model.id];
  if (!generated) return model;
  return {
    ...model,
    contextWindow: generated.contextWindow ?? model.contextWindow,
    pricing: generated.pricing,
  };
});
