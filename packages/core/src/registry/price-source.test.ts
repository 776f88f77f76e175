import { describe, expect, it } from "vitest";
import { toModelPricing } from "./price-source.js";

describe("toModelPricing", () => {
  it("maps input, output, cache-read and cache-write rates and ignores units Keel does not model", () => {
    expect(
      toModelPricing(
        {
          input_mtok: 3,
          output_mtok: 15,
          cache_read_mtok: 0.3,
          cache_write_mtok: 3.75,
          web_searches_kcount: 10,
        },
        "m",
      ),
    ).toEqual({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 });
  });

  it("turns one price tier into longContext, keeping flat rates on both sides", () => {
    expect(
      toModelPricing(
        {
          input_mtok: { base: 1.25, tiers: [{ start: 200_000, price: 2.5 }] },
          output_mtok: { base: 10, tiers: [{ start: 200_000, price: 15 }] },
          cache_read_mtok: 0.125,
        },
        "m",
      ),
    ).toEqual({
      inputPerMTok: 1.25,
      outputPerMTok: 10,
      cachedInputPerMTok: 0.125,
      longContext: {
        thresholdTokens: 200_000,
        inputPerMTok: 2.5,
        outputPerMTok: 15,
        cachedInputPerMTok: 0.125,
      },
    });
  });

  it("has no price without input and output rates, and refuses tiers it cannot represent", () => {
    expect(toModelPricing({ input_mtok: 1 }, "m")).toBeUndefined();
    const tiers = [
      { start: 100, price: 2 },
      { start: 200, price: 3 },
    ];
    expect(() => toModelPricing({ input_mtok: { base: 1, tiers }, output_mtok: 2 }, "m")).toThrow(
      /2 price tiers/,
    );
  });
});
