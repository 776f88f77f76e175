import { describe, expect, it } from "vitest";
import { costComparison } from "./cost.js";
import { kvCapacity } from "./memory.js";
import { replicasFor } from "./replicas.js";
import { GPUS, MODEL_SHAPES } from "./shapes.js";

const GIB = 2 ** 30;

describe("capacity planner memory arithmetic, against published vLLM figures (notes §1.2, §2.5)", () => {
  it("Llama-3.1-8B BF16: weights and KV bytes per token match vLLM's own log (vllm#10517)", () => {
    const plan = kvCapacity({ shape: MODEL_SHAPES["llama-3.1-8b"]!, gpu: GPUS["h100-80gb"]! });
    // "Loading model weights took 14.9888 GB" (GiB): 8.03e9 × 2 bytes.
    expect(plan.weightBytes).toBe(16.06e9);
    expect(plan.weightBytes / GIB).toBeCloseTo(14.9888, 1);
    // 2 × 32 layers × 8 KV heads × 128 × 2 bytes.
    expect(plan.kvBytesPerToken).toBe(131_072);
    // The same log: 3.81 GiB of KV cache ↔ 1,952 blocks of 16 tokens.
    expect((1952 * 16 * plan.kvBytesPerToken) / GIB).toBeCloseTo(3.81, 2);
    // On an H100 at 0.9 utilization: about 430k tokens, about 27k blocks (notes §2.5).
    expect(plan.kvTokens).toBeGreaterThan(420_000);
    expect(plan.kvTokens).toBeLessThan(450_000);
    expect(plan.kvBlocks).toBe(Math.floor(plan.kvTokens / 16));
    // The H200 doubles it (about 860k tokens).
    const h200 = kvCapacity({ shape: MODEL_SHAPES["llama-3.1-8b"]!, gpu: GPUS["h200-141gb"]! });
    expect(h200.kvTokens / plan.kvTokens).toBeGreaterThan(1.9);
  });

  it("Qwen2.5-32B on 2 × H100 (tensor parallel) holds about the 307,328 tokens llm-d's benchmark pods had", () => {
    const plan = kvCapacity({
      shape: MODEL_SHAPES["qwen2.5-32b"]!,
      gpu: GPUS["h100-80gb"]!,
      tensorParallel: 2,
    });
    expect(plan.kvBytesPerToken).toBe(262_144);
    expect(plan.kvTokens / 307_328).toBeGreaterThan(0.97);
    expect(plan.kvTokens / 307_328).toBeLessThan(1.05);
  });

  it("Qwen2.5-1.5B: the V0 scrape's 81,767 blocks at 0.9 utilization fit a 48 GB card", () => {
    const shape = MODEL_SHAPES["qwen2.5-1.5b"]!;
    const plan = kvCapacity({ shape, gpu: GPUS["l40s-48gb"]! });
    expect(plan.kvBytesPerToken).toBe(28_672);
    expect(plan.kvBlocks / 81_767).toBeGreaterThan(0.97);
    expect(plan.kvBlocks / 81_767).toBeLessThan(1.03);
  });

  it("Llama-3.1-70B: 320 KiB per token; 4-bit weights fit one H100, BF16 weights do not", () => {
    const shape = MODEL_SHAPES["llama-3.1-70b"]!;
    expect(() => kvCapacity({ shape, gpu: GPUS["h100-80gb"]! })).toThrow(/does not fit/);
    const int4 = kvCapacity({ shape, gpu: GPUS["h100-80gb"]!, quantization: "int4" });
    expect(int4.kvBytesPerToken).toBe(327_680);
    expect(int4.weightBytes).toBe(35.3e9);
    const fp8kv = kvCapacity({ shape, gpu: GPUS["h100-80gb"]!, quantization: "int4", kvCacheDtype: "fp8" });
    expect(fp8kv.kvTokens).toBeGreaterThan(int4.kvTokens * 1.99);
  });

  it("refuses bad inputs with a typed error", () => {
    const shape = MODEL_SHAPES["llama-3.1-8b"]!;
    expect(() => kvCapacity({ shape, gpu: GPUS["l4-24gb"]!, gpuMemoryUtilization: 1.5 })).toThrow(
      /gpuMemoryUtilization/,
    );
    expect(() => kvCapacity({ shape, gpu: GPUS["l4-24gb"]!, quantization: "int3" as never })).toThrow(
      /unknown quantization/,
    );
  });
});

describe("replicas for a latency target, and cost against an API price", () => {
  it("needs more replicas for more traffic and meets the target it reports", () => {
    const base = {
      shape: MODEL_SHAPES["llama-3.1-8b"]!,
      gpu: GPUS["h100-80gb"]!,
      ttftP99Ms: 500,
      requests: 300,
    };
    const low = replicasFor({
      ...base,
      workload: { requestsPerSecond: 2, promptTokens: 1000, outputTokens: 100 },
    });
    const high = replicasFor({
      ...base,
      workload: { requestsPerSecond: 60, promptTokens: 1000, outputTokens: 100 },
    });
    expect(low.replicas).toBe(1);
    expect(high.replicas).toBeGreaterThan(low.replicas);
    expect(high.unmet).toBe(false);
    expect(high.ttftP99Ms).toBeLessThanOrEqual(500);
  });

  it("prices the same tokens self-hosted and through the registry's API price", () => {
    const workload = { requestsPerSecond: 10, promptTokens: 1000, outputTokens: 200 };
    const c = costComparison({ workload, gpus: 1, gpuHourlyUsd: 3, apiModel: "gpt-4.1-mini" });
    // 10 req/s × 1,200 tokens × 3600 s = 43.2M tokens an hour for $3.
    expect(c.tokensPerHour).toBe(43_200_000);
    expect(c.selfHostedPerMTok).toBeCloseTo(3 / 43.2, 6);
    expect(c.apiPerMTok).toBeGreaterThan(0);
    expect(c.savings).toBeCloseTo(1 - c.selfHostedPerMTok / c.apiPerMTok, 9);
    expect(() => costComparison({ workload, gpus: 1, gpuHourlyUsd: 3, apiModel: "no-such-model" })).toThrow(
      /not in the model registry/,
    );
  });
});
