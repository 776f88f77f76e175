import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { Message } from "../messages.js";
import type { JsonSchema, Model, ModelRequest } from "../model.js";

/**
 * How the schema reaches the model: `native` uses the provider's JSON-schema output mode,
 * `instructions` puts the schema in the prompt and extracts the JSON from the text, `auto`
 * picks `native` when the model supports it and the schema's root is an object.
 */
export type ObjectMode = "auto" | "native" | "instructions";

/** What to ask for and how; shared by `generateObject` and `streamObject`. */
export interface ObjectRequestOptions<S extends z.ZodType> {
  schema: S;
  /** A user turn appended after `messages`. */
  prompt?: string;
  /** A system prompt placed before `messages`. */
  system?: string;
  messages?: Message[];
  /** Names the schema for providers that want one (letters, digits, `_` and `-`). Default `output`. */
  name?: string;
  description?: string;
  mode?: ObjectMode;
  /** Ask for strict schema adherence. Default: true when the schema allows it (every property required, no extra properties). */
  strict?: boolean;
  /** Other request fields (temperature, maxOutputTokens, metadata, ...). */
  request?: Omit<Partial<ModelRequest>, "messages" | "responseFormat">;
}

/**
 * A schema as JSON Schema for providers, without the `$schema` marker some providers reject.
 * Uses the schema's own `toJSONSchema` method (zod ≥ 4.2), so core need not import zod to convert.
 */
export function toProviderJsonSchema(schema: z.ZodType): JsonSchema {
  // Older zod 4 schemas lack the method; say so instead of failing with a bare TypeError.
  if (typeof schema.toJSONSchema !== "function")
    throw new InvalidRequestError(
      "converting a schema to JSON Schema needs a zod 4.2+ schema (`schema.toJSONSchema`)",
    );
  const { $schema: _, ...json } = schema.toJSONSchema({ unrepresentable: "any" }) as JsonSchema;
  return json;
}

/**
 * The number of repairs allowed (default 2). Anything but a whole number from 0 up is refused:
 * `NaN` would repair forever, each request longer than the last.
 */
export function repairLimit(maxRepairs: number | undefined): number {
  if (maxRepairs === undefined) return 2;
  if (typeof maxRepairs !== "number" || !Number.isSafeInteger(maxRepairs) || maxRepairs < 0)
    throw new InvalidRequestError(
      `maxRepairs must be a whole number of 0 or more, got ${String(maxRepairs)}`,
    );
  return maxRepairs;
}

/** True when every object in the schema requires all its properties and forbids others (OpenAI strict mode). */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (typeof schema !== "object" || schema === null) return true;
  const node = schema as Record<string, unknown>;
  if (node.type === "object" || node.properties !== undefined) {
    const keys = Object.keys((node.properties as object | undefined) ?? {});
    const required = new Set((node.required as string[] | undefined) ?? []);
    if (node.additionalProperties !== false || keys.some((k) => !required.has(k))) return false;
  }
  return Object.values(node).every(isStrictCompatible);
}

/** The request that asks a model for a value of the schema, and the mode chosen. */
export function buildObjectRequest(
  model: Model,
  options: ObjectRequestOptions<z.ZodType>,
): { request: ModelRequest; mode: "native" | "instructions" } {
  const messages: Message[] = [
    ...(options.system !== undefined ? [{ role: "system" as const, content: options.system }] : []),
    ...(options.messages ?? []),
    ...(options.prompt !== undefined ? [{ role: "user" as const, content: options.prompt }] : []),
  ];
  if (!messages.some((m) => m.role === "user"))
    throw new InvalidRequestError("structured output needs a `prompt` or `messages` with a user turn");
  const schema = toProviderJsonSchema(options.schema);
  const mode = chooseMode(model, options.mode ?? "auto", schema);
  if (mode === "native") {
    const name = options.name ?? "output";
    if (!/^[\w-]{1,64}$/.test(name))
      throw new InvalidRequestError(`schema name "${name}" must be 1-64 letters, digits, _ or -`);
    return {
      mode,
      request: {
        ...options.request,
        messages,
        responseFormat: {
          type: "json",
          schema,
          name,
          ...(options.description !== undefined ? { description: options.description } : {}),
          strict: options.strict ?? isStrictCompatible(schema),
        },
      },
    };
  }
  return {
    mode,
    request: { ...options.request, messages: withInstructions(messages, schema, options.description) },
  };
}

function chooseMode(model: Model, mode: ObjectMode, schema: JsonSchema): "native" | "instructions" {
  if (mode !== "auto") return mode;
  return model.capabilities.jsonSchema && schema.type === "object" ? "native" : "instructions";
}

function withInstructions(messages: Message[], schema: JsonSchema, description?: string): Message[] {
  const instructions =
    "Answer with one JSON value that matches the JSON Schema below. Write only the JSON: no prose, no code fences." +
    (description !== undefined ? `\nThe value is: ${description}` : "") +
    `\nJSON Schema:\n${JSON.stringify(schema)}`;
  const [first, ...rest] = messages;
  // Merge into an existing plain system prompt: some providers accept only one.
  if (first?.role === "system" && typeof first.content === "string")
    return [{ role: "system", content: `${first.content}\n\n${instructions}` }, ...rest];
  return [{ role: "system", content: instructions }, ...messages];
}

/** The turns that show the model its rejected answer and ask for a corrected one. */
export function repairTurns(answer: string, feedback: string): Message[] {
  return [
    { role: "assistant", content: answer },
    {
      role: "user",
      content: `${feedback}\nReply with only the corrected JSON value, nothing else.`,
    },
  ];
}
