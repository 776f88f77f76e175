import type { ReplicaParams } from "./sim-params.js";

/** What one engine step does: prefill tokens computed, sequences decoded, and context tokens read. */
export interface StepWork {
  prefillTokens: number;
  decodeSeqs: number;
  /** Tokens of KV cache attention reads this step, summed over the scheduled sequences. */
  contextTokens: number;
}

/**
 * Milliseconds one continuous-batching step takes: a fixed cost plus the larger of the compute
 * time (2 FLOP per parameter per token) and the memory time (weights plus the KV cache read),
 * the roofline model of notes §2.4.
 */
export function stepMs(work: StepWork, p: ReplicaParams): number {
  const compute =
    (2 * p.parameters * (work.prefillTokens + work.decodeSeqs)) / (p.computeEfficiency * p.flops);
  const memory =
    (p.weightBytes + work.contextTokens * p.kvBytesPerToken) / (p.memoryEfficiency * p.memoryBandwidth);
  return p.stepOverheadMs + 1000 * Math.max(compute, memory);
}
