export { addUsage, NO_USAGE } from "./add-usage.js";
export { extractJsonText, extractPartialJsonText } from "./extract-json.js";
export {
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
  type ObjectParseFailure,
} from "./generate-object.js";
export { type ObjectIssue, type ObjectParse, parseObjectText } from "./object-parse.js";
export {
  isStrictCompatible,
  type ObjectMode,
  type ObjectRequestOptions,
  toProviderJsonSchema,
} from "./object-request.js";
export { type LenientJson, parseLenientJson, parsePartialJson } from "./partial-json.js";
export {
  type DeepPartial,
  type ObjectStream,
  type ObjectStreamEvent,
  streamObject,
} from "./stream-object.js";
