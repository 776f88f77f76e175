// "@keel/gpu-client/simulator": a simulated vLLM replica (Node only: an HTTP server).
export {
  CHARS_PER_TOKEN,
  type EngineCounters,
  type EngineRequestInit,
  SimEngine,
  type TokenSink,
} from "./engine.js";
export type { Fault } from "./faults.js";
export { KvBlockPool } from "./kv-block-pool.js";
export {
  type ReplicaOptions,
  type ReplicaStats,
  type SimReplica,
  startReplica,
  startReplicas,
} from "./replica-server.js";
export { H100_LLAMA_8B, H200_LLAMA_8B, type ReplicaParams, replicaParams } from "./sim-params.js";
export { type StepWork, stepMs } from "./step-time.js";
