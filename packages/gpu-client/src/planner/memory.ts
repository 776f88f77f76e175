import { InvalidRequestError } from "@keel/core";
import { type GpuSpec, type ModelShape, QUANTIZATIONS, type Quantization } from "./shapes.js";

/** Inputs of `kvCapacity`. */
export interface MemoryPlanInput {
  shape: ModelShape;
  gpu: GpuSpec;
  /** Weight format. Default bf16. */
  quantization?: Quantization;
  /** KV-cache format: `auto` follows 16-bit activations (2 bytes), `fp8` halves it. Default auto. */
  kvCacheDtype?: "auto" | "fp8";
  /** GPUs the model is split over (tensor parallel). Default 1. */
  tensorParallel?: number;
  /** vLLM's `gpu_memory_utilization`. Default 0.9. */
  gpuMemoryUtilization?: number;
  /**
   * Memory per GPU vLLM keeps for activations, CUDA graphs and the non-torch allocations it
   * profiles at start. Default 3 GiB (notes §2.5: about 3 GiB for an 8B model on an H100).
   */
  activationBytesPerGpu?: number;
  /** Tokens per KV block. Default 16. */
  blockSize?: number;
  /** Prompt plus output tokens of a typical sequence, for the concurrency figure. Default 4,096. */
  sequenceTokens?: number;
}

/** What fits on the GPUs. */
export interface MemoryPlan {
  weightBytes: number;
  kvBytesPerToken: number;
  kvBytes: number;
  kvTokens: number;
  kvBlocks: number;
  /** Sequences of `sequenceTokens` that fit at once (with no prefix sharing). */
  concurrentSequences: number;
}

/**
 * vLLM's memory arithmetic: weights are parameters × bytes per weight; the KV cache gets what
 * is left of `gpu_memory_utilization` × memory on every GPU after weights and activations;
 * a token costs 2 (K and V) × layers × KV heads × head dim × KV bytes. Throws
 * `InvalidRequestError` when the weights do not fit.
 */
export function kvCapacity(input: MemoryPlanInput): MemoryPlan {
  const q = input.quantization ?? "bf16";
  if (!(q in QUANTIZATIONS))
    throw new InvalidRequestError(
      `planner: unknown quantization "${q}" (one of ${Object.keys(QUANTIZATIONS).join(", ")})`,
    );
  const tp = input.tensorParallel ?? 1;
  const util = input.gpuMemoryUtilization ?? 0.9;
  if (!Number.isInteger(tp) || tp < 1)
    throw new InvalidRequestError(`planner: tensorParallel must be a positive integer, got ${tp}`);
  if (!(util > 0 && util <= 1))
    throw new InvalidRequestError(`planner: gpuMemoryUtilization must be in (0, 1], got ${util}`);
  const { shape } = input;
  const weightBytes = shape.parameters * QUANTIZATIONS[q];
  const kvElementBytes = input.kvCacheDtype === "fp8" ? 1 : 2;
  const kvBytesPerToken = 2 * shape.layers * shape.kvHeads * shape.headDim * kvElementBytes;
  const activation = input.activationBytesPerGpu ?? 3 * 2 ** 30;
  const kvBytes = tp * (input.gpu.memoryBytes * util - activation) - weightBytes;
  if (kvBytes <= 0)
    throw new InvalidRequestError(
      `planner: ${shape.name} (${q}, ${(weightBytes / 1e9).toFixed(1)} GB of weights) does not fit on ${tp} × ${input.gpu.name} at ${util} utilization`,
    );
  const blockSize = input.blockSize ?? 16;
  const kvTokens = Math.floor(kvBytes / kvBytesPerToken);
  const kvBlocks = Math.floor(kvTokens / blockSize);
  return {
    weightBytes,
    kvBytesPerToken,
    kvBytes,
    kvTokens,
    kvBlocks,
    concurrentSequences: Math.floor((kvBlocks * blockSize) / (input.sequenceTokens ?? 4096)),
  };
}
