export {
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
  type ObjectParseFailure,
} from "./generate-object.js";
export type { ObjectIssue } from "./object-parse.js";
export type { ObjectMode, ObjectRequestOptions } from "./object-request.js";
export {
  type DeepPartial,
  type ObjectStream,
  type ObjectStreamEvent,
  streamObject,
} from "./stream-object.js";
