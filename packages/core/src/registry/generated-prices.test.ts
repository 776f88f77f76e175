import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { pricesFromCatalogue } from "./catalogue-prices.js";
import { CURATED_MODELS } from "./curated-models.js";
import { catalogueLookup } from "./genai-prices-lookup.js";
import { GENERATED_PRICES, PRICE_SOURCE } from "./generated-prices.js";
import { modelRegistry } from "./model-registry.js";

const require = createRequire(import.meta.url);
const installed = JSON.parse(
  readFileSync(new URL("../package.json", `file://${require.resolve("@pydantic/genai-prices")}`), "utf8"),
) as { version: string; license: string };

describe("generated prices", () => {
  it("were generated from the installed @pydantic/genai-prices (rerun scripts/generate-prices.ts after a bump)", () => {
    expect(PRICE_SOURCE.version).toBe(installed.version);
    expect(installed.license).toBe("MIT");
  });

  it("match what the package says for every built-in model at the generation date", () => {
    const fresh = pricesFromCatalogue(
      CURATED_MODELS,
      catalogueLookup(calcPrice),
      new Date(PRICE_SOURCE.pricesAt),
    );
    expect(GENERATED_PRICES).toEqual(fresh);
    // Every built-in model is priced: none falls back to "unknown".
    for (const m of CURATED_MODELS) expect(GENERATED_PRICES[m.id], m.id).toBeDefined();
  });

  it("are the registry's prices and context windows, long-context tiers included", () => {
    for (const [id, generated] of Object.entries(GENERATED_PRICES)) {
      const info = modelRegistry.get(id)!;
      expect(info.pricing, id).toEqual(generated.pricing);
      if (generated.contextWindow) expect(info.contextWindow, id).toBe(generated.contextWindow);
    }
    expect(modelRegistry.get("gemini-2.5-pro")?.pricing?.longContext).toMatchObject({
      thresholdTokens: 200_000,
      inputPerMTok: 2.5,
      outputPerMTok: 15,
    });
    // Prices the catalogue has for a model, checked by hand against anthropic.com/pricing.
    expect(modelRegistry.get("claude-sonnet-4-5")?.pricing).toMatchObject({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cachedInputPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    });
  });
});
