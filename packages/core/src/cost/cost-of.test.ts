import { describe, expect, it } from "vitest";
import { modelRegistry } from "../registry/model-registry.js";
import { costOf, estimateCost } from "./cost-of.js";

const usd = (n: number | undefined) => Math.round((n ?? Number.NaN) * 1e9) / 1e9;

describe("costOf", () => {
  it("bills plain input and output at list prices", () => {
    const c = costOf(
      { inputTokens: 1_000_000, outputTokens: 500_000, totalTokens: 1_500_000 },
      modelRegistry.get("gpt-4o"),
    );
    expect(usd(c?.totalUsd)).toBe(2.5 + 5);
  });

  it("bills cached input at the cached rate without counting it twice", () => {
    // gpt-4.1: $2 input, $0.50 cached, $8 output. 1,000 input of which 800 cached.
    const c = costOf(
      { inputTokens: 1000, outputTokens: 100, totalTokens: 1100, cachedInputTokens: 800 },
      modelRegistry.get("gpt-4.1"),
    )!;
    expect(usd(c.inputUsd)).toBe(usd(200 * 2e-6));
    expect(usd(c.cachedInputUsd)).toBe(usd(800 * 0.5e-6));
    expect(usd(c.totalUsd)).toBe(usd(200 * 2e-6 + 800 * 0.5e-6 + 100 * 8e-6));
  });

  it("bills Anthropic cache writes at the write rate", () => {
    // claude-sonnet-4-5: $3 input, $3.75 write, $0.30 read, $15 output.
    const c = costOf(
      {
        inputTokens: 3000,
        outputTokens: 0,
        totalTokens: 3000,
        cacheWriteTokens: 2000,
        cachedInputTokens: 500,
      },
      modelRegistry.get("claude-sonnet-4-5"),
    )!;
    expect(usd(c.totalUsd)).toBe(usd(500 * 3e-6 + 2000 * 3.75e-6 + 500 * 0.3e-6));
  });

  it("keeps reasoning inside output unless it is priced apart", () => {
    const usage = { inputTokens: 0, outputTokens: 1000, totalTokens: 1000, reasoningTokens: 600 };
    expect(usd(costOf(usage, modelRegistry.get("o3"))?.totalUsd)).toBe(usd(1000 * 8e-6));
    const split = costOf(usage, { inputPerMTok: 1, outputPerMTok: 10, reasoningPerMTok: 20 })!;
    expect(usd(split.outputUsd)).toBe(usd(400 * 10e-6));
    expect(usd(split.reasoningUsd)).toBe(usd(600 * 20e-6));
  });

  it("uses long-context rates above the threshold (Gemini 2.5 Pro)", () => {
    const pro = modelRegistry.get("gemini-2.5-pro");
    expect(usd(costOf({ inputTokens: 100_000, outputTokens: 0, totalTokens: 100_000 }, pro)?.totalUsd)).toBe(
      0.125,
    );
    expect(usd(costOf({ inputTokens: 300_000, outputTokens: 0, totalTokens: 300_000 }, pro)?.totalUsd)).toBe(
      0.75,
    );
    expect(usd(estimateCost(300_000, 1000, pro!.pricing!))).toBe(usd(0.75 + 0.015));
  });

  it("returns undefined, not zero, when the price is unknown", () => {
    expect(costOf({ inputTokens: 10, outputTokens: 10, totalTokens: 20 }, undefined)).toBeUndefined();
  });
});
