import type { z } from "zod";
import { loadZod } from "../zod-runtime.js";
import { extractJsonText } from "./extract-json.js";
import { parseLenientJson } from "./partial-json.js";

/** One reason a model's answer was rejected: where in the value, and why. */
export interface ObjectIssue {
  path: PropertyKey[];
  message: string;
  /** A zod issue code, or `invalid_json` when the answer was not JSON at all. */
  code: string;
}

/** The outcome of reading a typed value out of a model's text. */
export type ObjectParse<T> =
  | { ok: true; value: T; json: string; repairs: string[] }
  | { ok: false; json: string; issues: ObjectIssue[]; feedback: string };

/**
 * Reads a typed value from a model's answer: extracts the JSON, parses it (repairing trailing
 * commas and unclosed brackets), and validates it with the schema. Failures come back as
 * issues plus feedback text written for the model to fix its answer.
 */
export async function parseObjectText<S extends z.ZodType>(
  text: string,
  schema: S,
): Promise<ObjectParse<z.output<S>>> {
  const json = extractJsonText(text);
  const parsed = parseLenientJson(json);
  if (!parsed) {
    const message = json === "" ? "the answer was empty" : "the answer is not valid JSON";
    return {
      ok: false,
      json,
      issues: [{ path: [], message, code: "invalid_json" }],
      feedback: `Your answer could not be parsed: ${message}.`,
    };
  }
  const result = await schema.safeParseAsync(parsed.value);
  if (result.success) return { ok: true, value: result.data, json, repairs: parsed.repairs };
  const { prettifyError } = await loadZod();
  return {
    ok: false,
    json,
    issues: result.error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })),
    feedback: `Your answer does not match the schema:\n${prettifyError(result.error)}`,
  };
}
