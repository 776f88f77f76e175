import { Validator } from "@cfworker/json-schema";
import type { z } from "zod";

const FENCE = /```[\w-]*[ \t]*\r?\n([\s\S]*?)```/;

/** Result of a JSON-validity check: 1/0 plus the problems found. */
export interface JsonValidity {
  score: number;
  /** Why the text is not valid: a parse error or schema violations (`path: message`). */
  errors: string[];
  /** The parsed value, when the text parsed. */
  value?: unknown;
}

/** Options of `jsonValidity`. */
export interface JsonValidityOptions {
  /** Accept JSON inside a Markdown code fence (```json … ```), default false: the whole text must be JSON. */
  extract?: boolean;
}

/**
 * Checks that a model answer is JSON and valid against a schema: a JSON Schema object (drafts 4,
 * 7, 2019-09, 2020-12, validated without code generation so it runs on edge runtimes) or a zod schema.
 */
export function jsonValidity(
  text: string,
  schema: Record<string, unknown> | z.ZodType | undefined,
  options: JsonValidityOptions = {},
): JsonValidity {
  const source = options.extract ? (FENCE.exec(text)?.[1] ?? text) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    return { score: 0, errors: [`not JSON: ${(e as Error).message}`] };
  }
  if (schema === undefined) return { score: 1, errors: [], value };
  if (isZod(schema)) {
    const r = schema.safeParse(value);
    if (r.success) return { score: 1, errors: [], value };
    return {
      score: 0,
      errors: r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`),
      value,
    };
  }
  const result = new Validator(schema as never, "2020-12", false).validate(value);
  if (result.valid) return { score: 1, errors: [], value };
  return { score: 0, errors: result.errors.map((e) => `${e.instanceLocation}: ${e.error}`), value };
}

function isZod(s: unknown): s is z.ZodType {
  return (
    typeof s === "object" && s !== null && typeof (s as { safeParse?: unknown }).safeParse === "function"
  );
}
