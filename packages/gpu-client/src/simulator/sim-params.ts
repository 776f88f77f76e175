import { InvalidRequestError } from "@keel/core";

/**
 * What one simulated vLLM replica is: the model's size, the GPU's speed and memory, vLLM's
 * scheduler limits, and the simulation's own knobs. Defaults are Llama-3.1-8B-Instruct in BF16
 * on one H100-80GB SXM with vLLM V1 defaults, from ../shared/notes/gpu-serving.md §2.5.
 */
export interface ReplicaParams {
  /** The served model name (`/v1/models`, the `model_name` metric label). */
  model: string;
  /** Parameter count, for the compute roofline (2 FLOP per parameter per token). */
  parameters: number;
  /** Bytes of weights read every step. Default 16.06e9 (vllm-project/vllm#10517 log). */
  weightBytes: number;
  /** KV-cache bytes per token: 2 · layers · KV heads · head dim · dtype bytes. Default 131,072. */
  kvBytesPerToken: number;
  /** Tokens per KV block. Default 16 (vLLM). */
  blockSize: number;
  /** KV blocks on the GPU. Default 27,000 (about 430k tokens on an H100, derived). */
  numGpuBlocks: number;
  /** Most sequences running at once. Default 1024 (vLLM `max_num_seqs`). */
  maxNumSeqs: number;
  /** Token budget of one step, decodes first then chunked prefill. Default 8192. */
  maxNumBatchedTokens: number;
  /** Fraction of blocks kept free when admitting (Vidur's vLLM watermark). Default 0.01. */
  watermark: number;
  /** Memory bandwidth, bytes/s. Default 3.35e12 (H100 SXM). */
  memoryBandwidth: number;
  /** Share of the bandwidth a step reaches. Default 0.77 (a measured vLLM batch-1 sweep). */
  memoryEfficiency: number;
  /** Dense BF16 FLOP/s. Default 989e12 (H100 SXM). */
  flops: number;
  /** Model FLOP utilization of prefill. Default 0.33 (about 20k prompt tokens/s for an 8B model). */
  computeEfficiency: number;
  /** Fixed cost of every step, ms (launches, sampling, scheduling). Default 1.0. */
  stepOverheadMs: number;
  /** Fixed cost of every request before it can be scheduled, ms (HTTP, templating, tokenizing). Default 25. */
  requestOverheadMs: number;
  /** Output tokens when a request sets no `max_tokens`. Default 128. */
  defaultMaxTokens: number;
  /** Context window: prompt plus output tokens. Default 131,072. */
  maxModelLen: number;
  /** LoRA adapter slots (vLLM `max_loras`); 0 disables adapters. Default 4. */
  maxLoras: number;
  /** Time to load one adapter, ms. Default 500 (a small rank-16 adapter from local disk). */
  loraLoadMs: number;
  /** Simulated milliseconds per real millisecond; 10 runs ten times faster than real time. Default 1. */
  timeScale: number;
  /** Also expose vLLM's deprecated v0 metric names (`vllm:gpu_cache_usage_perc`, ...). Default false. */
  legacyMetrics: boolean;
  /** Seed of the generated text. Default 1. */
  seed: number;
}

/** Llama-3.1-8B-Instruct, BF16, vLLM V1 defaults, one H100-80GB SXM (notes §2.5). */
export const H100_LLAMA_8B: ReplicaParams = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  parameters: 8.03e9,
  weightBytes: 16.06e9,
  kvBytesPerToken: 131_072,
  blockSize: 16,
  numGpuBlocks: 27_000,
  maxNumSeqs: 1024,
  maxNumBatchedTokens: 8192,
  watermark: 0.01,
  memoryBandwidth: 3.35e12,
  memoryEfficiency: 0.77,
  flops: 989e12,
  computeEfficiency: 0.33,
  stepOverheadMs: 1.0,
  requestOverheadMs: 25,
  defaultMaxTokens: 128,
  maxModelLen: 131_072,
  maxLoras: 4,
  loraLoadMs: 500,
  timeScale: 1,
  legacyMetrics: false,
  seed: 1,
};

/** The same model on one H200-141GB: more HBM (about 54k blocks) and 4.8 TB/s (notes §2.5). */
export const H200_LLAMA_8B: ReplicaParams = {
  ...H100_LLAMA_8B,
  numGpuBlocks: 54_000,
  memoryBandwidth: 4.8e12,
};

/** Fills in defaults and checks every number; throws `InvalidRequestError` naming a bad one. */
export function replicaParams(overrides: Partial<ReplicaParams> = {}): ReplicaParams {
  const params = { ...H100_LLAMA_8B, ...overrides };
  const positive: (keyof ReplicaParams)[] = [
    "parameters",
    "weightBytes",
    "kvBytesPerToken",
    "blockSize",
    "numGpuBlocks",
    "maxNumSeqs",
    "maxNumBatchedTokens",
    "memoryBandwidth",
    "memoryEfficiency",
    "flops",
    "computeEfficiency",
    "defaultMaxTokens",
    "maxModelLen",
    "timeScale",
  ];
  for (const key of positive) {
    const value = params[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
      throw new InvalidRequestError(`simulator: ${key} must be a positive number, got ${String(value)}`);
  }
  for (const key of ["watermark", "stepOverheadMs", "requestOverheadMs", "maxLoras", "loraLoadMs"] as const) {
    const value = params[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw new InvalidRequestError(`simulator: ${key} must be a number >= 0, got ${String(value)}`);
  }
  if (!Number.isInteger(params.blockSize) || !Number.isInteger(params.numGpuBlocks))
    throw new InvalidRequestError("simulator: blockSize and numGpuBlocks must be integers");
  return params;
}
