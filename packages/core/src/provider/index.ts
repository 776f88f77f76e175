// "@keel/core/provider": what a provider adapter or a middleware author needs and an application
// does not. Applications import "@keel/core".
export { abortReason, callSignal, earliestDeadline, sleep } from "../abort.js";
export { type Release, Semaphore } from "../middleware/semaphore.js";
export { type OptionalPeer, optionalPeer, optionalPeerError } from "../optional-peer.js";
export { wrapModel } from "../pipe.js";
export { retryAfterFromHeaders } from "../retry-after.js";
export { type ChunkEventSourceInit, chunkEventSource } from "../stream/chunk-event-source.js";
export { isContentEvent } from "../stream/content-event.js";
export { createModelStream, type ModelStreamInit } from "../stream/model-stream.js";
export { ResponseAccumulator, usageOf } from "../stream/response-accumulator.js";
export { type StreamLayerHooks, streamLayer } from "../stream/stream-layer.js";
export { addUsage, NO_USAGE } from "../structured/add-usage.js";
export {
  contentRedactor,
  isContentCaptured,
  redactMessages,
  redactValue,
} from "../telemetry/content-capture.js";
export { observeModel } from "../telemetry/observe-model.js";
export { toKeelError } from "../to-keel-error.js";
export { estimateRequestTokens } from "../tokens/estimate-tokens.js";
export { errorFromHttp, errorInfoOf, type HeadersLike, type ProviderErrorInfo } from "./error-from-http.js";
export {
  errorClassForStatus,
  HTTP_STATUS_ERRORS,
  type KeelErrorClass,
  PROVIDER_STATUS_OVERRIDES,
  type StatusTable,
} from "./http-status-errors.js";
