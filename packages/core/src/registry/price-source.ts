import type { ModelPricing } from "./model-info.js";

/** A price as `@pydantic/genai-prices` writes it: USD per million tokens, flat or in tiers by prompt size. */
export type CataloguePrice = number | { base: number; tiers: Array<{ start: number; price: number }> };

/** One model's prices in the catalogue at a date (its `model_price`), keyed by unit. */
export type CatalogueModelPrice = Record<string, CataloguePrice | undefined>;

/** What the generated table holds for one model. */
export interface GeneratedPrice {
  /** The catalogue's id for the model the registry id matched (a dated id, say). */
  sourceId: string;
  /** The context window, when the catalogue states one. */
  contextWindow?: number;
  pricing: ModelPricing;
}

const UNITS = {
  input_mtok: "inputPerMTok",
  output_mtok: "outputPerMTok",
  cache_read_mtok: "cachedInputPerMTok",
  cache_write_mtok: "cacheWritePerMTok",
} as const;

/**
 * Keel's pricing for a catalogue price: input, output, cache-read and (5-minute) cache-write
 * rates; a single price tier becomes `longContext`. Other units (web searches, audio, the 1-hour
 * cache write) are not modelled. Undefined when input or output has no price.
 */
export function toModelPricing(price: CatalogueModelPrice, model: string): ModelPricing | undefined {
  if (price.input_mtok === undefined || price.output_mtok === undefined) return undefined;
  const base: Record<string, number> = {};
  const high: Record<string, number> = {};
  let threshold: number | undefined;
  for (const [unit, field] of Object.entries(UNITS)) {
    const value = price[unit];
    if (value === undefined) continue;
    if (typeof value === "number") {
      base[field] = value;
      high[field] = value;
      continue;
    }
    if (value.tiers.length !== 1)
      throw new Error(
        `${model}: ${unit} has ${value.tiers.length} price tiers; Keel models one (longContext)`,
      );
    const tier = value.tiers[0]!;
    if (threshold !== undefined && threshold !== tier.start)
      throw new Error(
        `${model}: price tiers start at ${threshold} and ${tier.start}; Keel models one threshold`,
      );
    threshold = tier.start;
    base[field] = value.base;
    high[field] = tier.price;
  }
  const pricing = base as unknown as ModelPricing;
  return threshold === undefined
    ? pricing
    : {
        ...pricing,
        longContext: {
          thresholdTokens: threshold,
          ...(high as unknown as Omit<ModelPricing, "longContext">),
        },
      };
}
