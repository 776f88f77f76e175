// "@keel/gpu-client/planner": capacity planning: memory arithmetic, replicas for a latency target
// (on the simulator's time model), cost against an API price from core's registry.
export { type CostComparison, type CostInput, costComparison } from "./cost.js";
export { kvCapacity, type MemoryPlan, type MemoryPlanInput } from "./memory.js";
export {
  type ReplicaPlan,
  type ReplicaPlanInput,
  replicaParamsFor,
  replicasFor,
  simulateReplica,
  type Workload,
} from "./replicas.js";
export {
  GPUS,
  type GpuSpec,
  MODEL_SHAPES,
  type ModelShape,
  QUANTIZATIONS,
  type Quantization,
} from "./shapes.js";
