import type { CatalogueLookup } from "./catalogue-prices.js";
import type { CatalogueModelPrice } from "./price-source.js";

/** The part of `@pydantic/genai-prices`' `calcPrice` the lookup uses (the package is a dev dependency). */
type CalcPrice = (
  usage: Record<string, number>,
  modelId: string,
  options: { providerId: string; timestamp: Date },
) => { model: { id: string; context_window?: number }; model_price: unknown } | null;

/** A catalogue lookup on `@pydantic/genai-prices`' own model matching, for the generator and its test. */
export function catalogueLookup(calcPrice: CalcPrice): CatalogueLookup {
  return (id, provider, at) => {
    const found = calcPrice({ input_tokens: 1, output_tokens: 1 }, id, {
      providerId: provider,
      timestamp: at,
    });
    if (!found) return undefined;
    return {
      sourceId: found.model.id,
      ...(found.model.context_window ? { contextWindow: found.model.context_window } : {}),
      price: found.model_price as CatalogueModelPrice,
    };
  };
}
