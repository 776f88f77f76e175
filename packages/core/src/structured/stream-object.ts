import type { z } from "zod";
import { AbortedError } from "../errors.js";
import type { CallOptions, Model, Usage } from "../model.js";
import { addUsage } from "./add-usage.js";
import { extractPartialJsonText } from "./extract-json.js";
import {
  type GenerateObjectOptions,
  type GenerateObjectResult,
  objectParseError,
  throwIfRefused,
} from "./generate-object.js";
import { type ObjectIssue, parseObjectText } from "./object-parse.js";
import { buildObjectRequest, repairLimit, repairTurns } from "./object-request.js";
import { parsePartialJson } from "./partial-json.js";

/** A value still being written: any property may be missing, strings may be cut short. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * What an object stream yields: `partial` snapshots while text arrives (unvalidated), `repair`
 * when an answer failed validation and a corrected one is being requested (partials restart),
 * and one `object` at the end with the validated value.
 */
export type ObjectStreamEvent<T> =
  | { type: "partial"; object: DeepPartial<T>; attempt: number }
  | { type: "repair"; attempt: number; issues: ObjectIssue[] }
  | { type: "object"; object: T; result: GenerateObjectResult<T> };

/** A streamed structured answer: iterate it once for events, or await `result` / `object`. */
export interface ObjectStream<T> extends AsyncIterable<ObjectStreamEvent<T>> {
  /** The validated value and how it was obtained; consumes the stream if nobody iterates it. */
  readonly result: Promise<GenerateObjectResult<T>>;
  /** The validated value; consumes the stream if nobody iterates it. */
  readonly object: Promise<T>;
}

/**
 * Streams a value of a zod schema: yields partial objects parsed from the text as it arrives,
 * then the validated object. Invalid answers go through the same bounded repair loop as
 * `generateObject`; failures end the iteration (and `result`) with the same typed errors.
 */
export function streamObject<S extends z.ZodType>(
  model: Model,
  options: GenerateObjectOptions<S>,
  callOptions?: CallOptions,
): ObjectStream<z.output<S>> {
  type T = z.output<S>;
  let settle!: { resolve: (r: GenerateObjectResult<T>) => void; reject: (e: unknown) => void };
  const result = new Promise<GenerateObjectResult<T>>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  let started = false;

  async function* run(): AsyncGenerator<ObjectStreamEvent<T>> {
    try {
      const maxRepairs = repairLimit(options.maxRepairs);
      const { request, mode } = buildObjectRequest(model, options);
      let messages = request.messages;
      let usage: Usage | undefined;
      for (let attempt = 1; ; attempt++) {
        const stream = model.stream({ ...request, messages }, callOptions);
        let text = "";
        let shown = "";
        for await (const event of stream) {
          if (event.type !== "text-delta") continue;
          text += event.text;
          const partial = parsePartialJson(extractPartialJsonText(text) ?? "");
          if (!partial) continue;
          const snapshot = JSON.stringify(partial.value);
          if (snapshot === shown) continue;
          shown = snapshot;
          yield { type: "partial", object: partial.value as DeepPartial<T>, attempt };
        }
        const response = await stream.response;
        usage = usage ? addUsage(usage, response.usage) : response.usage;
        throwIfRefused(model, response);
        const parsed = await parseObjectText(response.text, options.schema);
        if (parsed.ok) {
          const final: GenerateObjectResult<T> = {
            object: parsed.value,
            response,
            attempts: attempt,
            usage,
            mode,
          };
          settle.resolve(final);
          yield { type: "object", object: final.object, result: final };
          return;
        }
        if (attempt > maxRepairs) throw objectParseError(model, response.text, parsed.issues, attempt);
        yield { type: "repair", attempt, issues: parsed.issues };
        messages = [...messages, ...repairTurns(response.text, parsed.feedback)];
      }
    } catch (error) {
      settle.reject(error);
      throw error;
    } finally {
      // The consumer stopped early; settling twice is a no-op when it did not.
      settle.reject(new AbortedError("the object stream was closed before it ended"));
    }
  }

  const drain = () => {
    if (started) return;
    started = true;
    void (async () => {
      try {
        for await (const _ of run());
      } catch {
        // Surfaced through `result`.
      }
    })();
  };

  return {
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError("an ObjectStream can be iterated only once");
      started = true;
      return run();
    },
    get result() {
      drain();
      return result;
    },
    get object() {
      drain();
      return result.then((r) => r.object);
    },
  };
}
