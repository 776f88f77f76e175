import { InvalidRequestError } from "@keel/core";
import { seededRandom } from "../routing/candidate.js";
import { SimEngine } from "../simulator/engine.js";
import { type ReplicaParams, replicaParams } from "../simulator/sim-params.js";
import { kvCapacity, type MemoryPlanInput } from "./memory.js";
import { QUANTIZATIONS } from "./shapes.js";

/** A steady workload: Poisson arrivals of requests of one shape. */
export interface Workload {
  requestsPerSecond: number;
  promptTokens: number;
  outputTokens: number;
  /** Leading prompt tokens every request shares (a system prompt), cached after the first. Default 0. */
  sharedPrefixTokens?: number;
}

/** Inputs of `replicasFor`. */
export interface ReplicaPlanInput extends MemoryPlanInput {
  workload: Workload;
  /** The P99 time to first token to meet, ms. */
  ttftP99Ms: number;
  /** Requests simulated per replica count tried. Default 1,500. */
  requests?: number;
  /** Largest replica count tried. Default 64. */
  maxReplicas?: number;
  seed?: number;
}

/** The smallest fleet that meets the target, with the simulated figures that show it. */
export interface ReplicaPlan {
  replicas: number;
  gpusPerReplica: number;
  ttftP99Ms: number;
  e2eP99Ms: number;
  /** True when even `maxReplicas` missed the target. */
  unmet: boolean;
}

/** The simulator's parameters for a model shape on a GPU (memory from `kvCapacity`, speed from the GPU's data sheet). */
export function replicaParamsFor(input: MemoryPlanInput): ReplicaParams {
  const plan = kvCapacity(input);
  const tp = input.tensorParallel ?? 1;
  return replicaParams({
    model: input.shape.name,
    parameters: input.shape.parameters,
    weightBytes: input.shape.parameters * QUANTIZATIONS[input.quantization ?? "bf16"],
    kvBytesPerToken: plan.kvBytesPerToken,
    numGpuBlocks: Math.max(1, plan.kvBlocks),
    memoryBandwidth: input.gpu.bandwidth * tp,
    flops: input.gpu.flops * tp,
  });
}

/**
 * The replicas a workload needs for its P99 time to first token: each replica count is tried
 * on the simulator (virtual clock, evenly split Poisson arrivals, one replica's share
 * simulated), smallest first, until one meets the target.
 */
export function replicasFor(input: ReplicaPlanInput): ReplicaPlan {
  const w = input.workload;
  if (!(w.requestsPerSecond > 0) || !(w.promptTokens > 0) || !(w.outputTokens > 0))
    throw new InvalidRequestError(
      "planner: workload needs positive requestsPerSecond, promptTokens and outputTokens",
    );
  if (!(input.ttftP99Ms > 0)) throw new InvalidRequestError("planner: ttftP99Ms must be positive");
  const params = replicaParamsFor(input);
  const max = input.maxReplicas ?? 64;
  let last = { ttft: Infinity, e2e: Infinity };
  for (let n = 1; n <= max; n++) {
    last = simulateReplica(params, w, w.requestsPerSecond / n, input.requests ?? 1500, input.seed ?? 1);
    if (last.ttft <= input.ttftP99Ms)
      return {
        replicas: n,
        gpusPerReplica: input.tensorParallel ?? 1,
        ttftP99Ms: last.ttft,
        e2eP99Ms: last.e2e,
        unmet: false,
      };
  }
  return {
    replicas: max,
    gpusPerReplica: input.tensorParallel ?? 1,
    ttftP99Ms: last.ttft,
    e2eP99Ms: last.e2e,
    unmet: true,
  };
}

/** P99 TTFT and end-to-end latency of one replica under Poisson arrivals at `rate` requests/s. */
export function simulateReplica(
  params: ReplicaParams,
  w: Workload,
  rate: number,
  requests: number,
  seed: number,
) {
  const random = seededRandom(seed);
  const shared = "s".repeat((w.sharedPrefixTokens ?? 0) * 4);
  const arrivals: { at: number; prompt: string; maxTokens: number }[] = [];
  let t = 0;
  for (let i = 0; i < requests; i++) {
    t += (-Math.log(1 - random()) / rate) * 1000;
    const unique = `${i}:`.padEnd(Math.max(0, w.promptTokens * 4 - shared.length), "u");
    arrivals.push({ at: t, prompt: shared + unique, maxTokens: w.outputTokens });
  }
  const results = new SimEngine(params, { virtual: true }).runOffline(arrivals);
  // The first tenth warms the cache and fills the batch; measure the steady state after it.
  const steady = results.slice(Math.floor(requests / 10));
  return { ttft: p99(steady.map((r) => r.ttftMs)), e2e: p99(steady.map((r) => r.e2eMs)) };
}

function p99(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < values.length) return Infinity;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}
