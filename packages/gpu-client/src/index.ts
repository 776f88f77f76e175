// "@keel/gpu-client": a fleet client for self-hosted inference servers (web-standard APIs only).
// The simulator (a Node HTTP server) is in "@keel/gpu-client/simulator", the capacity planner in
// "@keel/gpu-client/planner".
export { BLOCK_CHARS, blockHashes } from "./block-hash.js";
export { EmbeddingBatcher, type EmbeddingBatchOptions } from "./fleet/embedding-batcher.js";
export {
  createFleet,
  type EndpointSnapshot,
  Fleet,
  type FleetEndpoint,
  type FleetOptions,
  type FleetRequestOptions,
  type RouteInfo,
  routeOf,
} from "./fleet/fleet.js";
export { type LoadSignals, loadSignals, prefixHitRate, slotsLoad } from "./metrics/load-signals.js";
export { type MetricSample, type MetricSamples, parsePrometheus, sumOf } from "./metrics/prometheus.js";
export { llamacppProps, llamacppSlotsInfo, type ServerInfo, tgiInfo } from "./metrics/server-info.js";
export { estimateTokens, promptText } from "./prompt-text.js";
export * from "./routing/index.js";
export { isServerKind, SERVER_ROUTES, type ServerKind, type ServerRoutes } from "./server-kinds.js";
export { ChatChunkEvents } from "./wire/chat-chunk-events.js";
export { type EndpointModel, type EndpointTarget, endpointModel } from "./wire/endpoint-model.js";
export { errorFromStatus } from "./wire/http-errors.js";
export { parseRerank, type RerankHit, type RerankOptions, type RerankResult } from "./wire/rerank.js";
export { parseTokenize, type TokenizeResult } from "./wire/tokenize.js";
