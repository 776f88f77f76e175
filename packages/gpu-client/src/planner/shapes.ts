/** What the memory arithmetic needs of a model: its size and the shape of its attention. */
export interface ModelShape {
  name: string;
  /** Parameter count. */
  parameters: number;
  layers: number;
  /** Key/value heads (grouped-query attention shares them among query heads). */
  kvHeads: number;
  headDim: number;
}

/** Published shapes (each model's `config.json`: num_hidden_layers, num_key_value_heads, head_dim). */
export const MODEL_SHAPES: Record<string, ModelShape> = {
  "llama-3.1-8b": { name: "Llama-3.1-8B", parameters: 8.03e9, layers: 32, kvHeads: 8, headDim: 128 },
  "llama-3.1-70b": { name: "Llama-3.1-70B", parameters: 70.6e9, layers: 80, kvHeads: 8, headDim: 128 },
  "qwen2.5-32b": { name: "Qwen2.5-32B", parameters: 32.76e9, layers: 64, kvHeads: 8, headDim: 128 },
  "qwen2.5-1.5b": { name: "Qwen2.5-1.5B", parameters: 1.54e9, layers: 28, kvHeads: 2, headDim: 128 },
};

/** A GPU: memory as the driver reports it, bandwidth and dense BF16 throughput from the vendor's data sheet. */
export interface GpuSpec {
  name: string;
  /** Bytes of HBM/GDDR the driver reports (nvidia-smi's total, in MiB × 2^20). */
  memoryBytes: number;
  /** Memory bandwidth, bytes/s. */
  bandwidth: number;
  /** Dense BF16 FLOP/s. */
  flops: number;
}

const MIB = 2 ** 20;

/** Common inference GPUs. Memory is the total nvidia-smi reports; bandwidth and FLOP/s are data-sheet figures. */
export const GPUS: Record<string, GpuSpec> = {
  "h100-80gb": { name: "H100 80GB SXM", memoryBytes: 81_559 * MIB, bandwidth: 3.35e12, flops: 989e12 },
  "h200-141gb": { name: "H200 141GB", memoryBytes: 143_771 * MIB, bandwidth: 4.8e12, flops: 989e12 },
  "a100-80gb": { name: "A100 80GB", memoryBytes: 81_920 * MIB, bandwidth: 2.039e12, flops: 312e12 },
  "l40s-48gb": { name: "L40S 48GB", memoryBytes: 46_068 * MIB, bandwidth: 864e9, flops: 362e12 },
  "l4-24gb": { name: "L4 24GB", memoryBytes: 23_034 * MIB, bandwidth: 300e9, flops: 121e12 },
  "a10-24gb": { name: "A10 24GB", memoryBytes: 23_028 * MIB, bandwidth: 600e9, flops: 125e12 },
};

/** Weight formats and their bytes per parameter. */
export const QUANTIZATIONS = { bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5 } as const;
export type Quantization = keyof typeof QUANTIZATIONS;
