// "@keel/core": what a model call needs — the Model contract, messages, errors, events, `pipe`,
// the resilience middleware, `collect` and request validation. Everything else has a subpath of
// its own, because Node cannot tree-shake: importing an entry compiles every module it reaches,
// and on a small machine V8 compiles about 60 µs of JavaScript per KB (bench/src/overhead).
//   @keel/core/provider      stream building blocks, the HTTP error table (provider authors)
//   @keel/core/telemetry     observe, loggers, content capture, PII redaction, metrics, traces
//   @keel/core/context       fitContext and the context-fitting strategies
//   @keel/core/tokens        token counting
//   @keel/core/cost          cost tracking, budgets
//   @keel/core/registry      the model registry (prices, context windows)
//   @keel/core/structured    generateObject, streamObject
//   @keel/core/tools         tools and the agent loop
//   @keel/core/shared-state  in-memory and degrading shared state (Redis is in @keel/core/node)
//   @keel/core/cache, /flows, /search, /guard, /mcp, /otel, /node, /testing
// Internals are exported nowhere.

// Every event payload type stays here: the event map is part of the root's contract, and these
// type-only lines also bring each folder's `declare module` additions to the map into scope.
export type { CacheKind, CacheMissReason } from "./cache/cache-events.js";
export type { ContextCut } from "./context/context-events.js";
export type { CostDimension } from "./cost/cost-events.js";
export * from "./errors.js";
export * from "./events.js";
export type { FlowEventType } from "./flows/flow-events.js";
export * from "./messages.js";
export * from "./middleware/index.js";
export * from "./model.js";
export { pipe } from "./pipe.js";
export type { UnknownModelLookup } from "./registry/registry-events.js";
export type {} from "./shared-state/shared-state-events.js";
export { collect } from "./stream/model-stream.js";
export type { EvalScored, RetrievalFinished } from "./telemetry/telemetry-events.js";
export type { AgentStopReason, ToolOutcome } from "./tools/tool-events.js";
export { validateCallOptions, validateRequest } from "./validate-request.js";
