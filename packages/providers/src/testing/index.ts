export type { BatchControl, BatchItemScript, BatchScript } from "./batch-types.js";
export { embedText } from "./embeddings.js";
export { DEFAULT_AFTER_CHUNKS, DEFAULT_FAULT_TEXT } from "./faults.js";
export { findFixturesDir } from "./fixture-replay.js";
export { startTestServer } from "./server.js";
export type { TestServer, TestServerOptions } from "./server-types.js";
export { splitText } from "./text-chunks.js";
export type {
  ErrorResponse,
  FaultKind,
  FaultResponse,
  FixtureResponse,
  RawResponse,
  RecordedRequest,
  ScriptedResponse,
  ScriptedToolCall,
  TextResponse,
  WireProtocol,
} from "./types.js";
export { FAULT_KINDS } from "./validate.js";
