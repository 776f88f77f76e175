import type { CatalogueModelPrice, GeneratedPrice } from "./price-source.js";
import { toModelPricing } from "./price-source.js";

/** What a price catalogue answers for one model id at a date (the shape of genai-prices' `calcPrice`). */
export type CatalogueLookup = (
  id: string,
  provider: string,
  at: Date,
) => { sourceId: string; contextWindow?: number; price: CatalogueModelPrice } | undefined;

/**
 * The generated price table: for each model id, the catalogue's price at `at` in Keel's units,
 * and its context window when stated. Ids the catalogue does not know are left out.
 */
export function pricesFromCatalogue(
  models: ReadonlyArray<{ id: string; provider: string }>,
  lookup: CatalogueLookup,
  at: Date,
): Record<string, GeneratedPrice> {
  const table: Record<string, GeneratedPrice> = {};
  for (const { id, provider } of models) {
    const found = lookup(id, provider, at);
    const pricing = found && toModelPricing(found.price, id);
    if (!found || !pricing) continue;
    table[id] = {
      sourceId: found.sourceId,
      ...(found.contextWindow ? { contextWindow: found.contextWindow } : {}),
      pricing,
    };
  }
  return table;
}
