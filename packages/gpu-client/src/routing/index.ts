export {
  type Candidate,
  loadOf,
  queueOf,
  type RouteDecision,
  type RouteInput,
  type RoutingPolicy,
  seededRandom,
} from "./candidate.js";
export { type KvCostOptions, kvCost } from "./kv-cost.js";
export { PrefillLedger } from "./prefill-ledger.js";
export { type PrefixAffinityOptions, prefixAffinity } from "./prefix-affinity.js";
export { PrefixIndex } from "./prefix-index.js";
export {
  type Filter,
  kvAware,
  kvUtilizationScorer,
  queueScorer,
  type Scorer,
  type ScoringPolicyOptions,
  saturationFilter,
  scoringPolicy,
} from "./scoring.js";
export { leastOutstanding, powerOfTwo, roundRobin, sessionAffinity } from "./simple-policies.js";
