// "@keel/core": what an application uses. What a provider or middleware author needs besides
// (stream building blocks, the HTTP error table, abort plumbing) is in "@keel/core/provider";
// caches, flows and telemetry tooling have their own subpaths, so that importing the root
// compiles only what a model call needs. Internals are exported nowhere.

// Cache and flow events are part of every listener's event map, so their types stay in the root.
export type { CacheKind, CacheMissReason } from "./cache/cache-events.js";
export * from "./context/index.js";
export * from "./cost/index.js";
export * from "./errors.js";
export * from "./events.js";
export type { FlowEventType } from "./flows/flow-events.js";
export * from "./messages.js";
export * from "./middleware/index.js";
export * from "./model.js";
export { pipe } from "./pipe.js";
export * from "./registry/index.js";
export * from "./shared-state/index.js";
export { collect } from "./stream/model-stream.js";
export * from "./structured/index.js";
export * from "./telemetry/essentials.js";
export * from "./tokens/index.js";
export * from "./tools/index.js";
export { validateCallOptions, validateRequest } from "./validate-request.js";
