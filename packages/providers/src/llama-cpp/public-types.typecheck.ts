import type {
  ChatWrapper,
  GbnfJsonSchema,
  Llama,
  LlamaContextOptions,
  LlamaGpuType,
  LlamaLogLevel,
  LlamaModelOptions,
} from "node-llama-cpp";
import { expectTypeOf } from "vitest";
import type {
  LlamaChatWrapper,
  LlamaContextExtraOptions,
  LlamaContextSize,
  LlamaGbnfSchema,
  LlamaGpu,
  LlamaInstance,
  LlamaLogLevelName,
  LlamaModelLoadOptions,
} from "./public-types.js";

// The structural types stand in for node-llama-cpp's in the published declarations. These are
// compile-time checks only: `npm run typecheck` (tsc over src/, a CI step) fails when a
// node-llama-cpp upgrade makes them drift apart. Not a .test.ts file, because at run time
// expectTypeOf asserts nothing.

// Enumerations are the same sets.
expectTypeOf<LlamaGpu>().toEqualTypeOf<LlamaGpuType>();
expectTypeOf<LlamaLogLevelName>().toEqualTypeOf<`${LlamaLogLevel}`>();

// node-llama-cpp's own objects are accepted where the settings take them.
expectTypeOf<Llama>().toExtend<LlamaInstance>();
expectTypeOf<ChatWrapper>().toExtend<LlamaChatWrapper>();
expectTypeOf<Omit<LlamaModelOptions, "modelPath">>().toExtend<LlamaModelLoadOptions>();
expectTypeOf<
  Omit<LlamaContextOptions, "contextSize" | "sequences" | "threads">
>().toExtend<LlamaContextExtraOptions>();
expectTypeOf<NonNullable<LlamaContextOptions["contextSize"]>>().toExtend<LlamaContextSize>();
expectTypeOf<GbnfJsonSchema>().toExtend<LlamaGbnfSchema>();
