import type { z } from "zod";
import { jsonRoundTrip } from "./checkpoint-store.js";
import { type FlowFailureDetails, FlowRunError } from "./flow-errors.js";
import type { ContextSpec } from "./flow-types.js";

/** The zod schema of a context spec, if it has one. */
export function schemaOf(spec: ContextSpec<unknown> | undefined): z.ZodType | undefined {
  return spec !== undefined && (spec as { kind?: unknown }).kind !== "keel.flow-context"
    ? (spec as z.ZodType)
    : undefined;
}

/**
 * Makes a context checkpoint-ready: a JSON object (as a store would give it back), validated
 * by the schema when there is one. Retryable, since a model may produce a valid value next time.
 */
export async function checkContext(
  value: unknown,
  schema: z.ZodType | undefined,
  what: string,
  details: FlowFailureDetails,
): Promise<Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new FlowRunError("invalid-context", `${what} is not an object`, details);
  let json: unknown;
  try {
    json = jsonRoundTrip(value);
  } catch (error) {
    throw new FlowRunError("invalid-context", `${what} is not JSON-serializable`, details, { cause: error });
  }
  if (!schema) return json as Record<string, unknown>;
  const result = await schema.safeParseAsync(json);
  if (result.success) return result.data as Record<string, unknown>;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  throw new FlowRunError("invalid-context", `${what} does not match the context schema: ${issues}`, details, {
    cause: result.error,
    retryable: true,
  });
}

/** Merges a step's patch into the context; anything but an object or nothing is a mistake. */
export function applyPatch(
  context: Record<string, unknown>,
  patch: unknown,
  details: FlowFailureDetails,
): Record<string, unknown> {
  if (patch === undefined || patch === null) return context;
  if (typeof patch !== "object" || Array.isArray(patch))
    throw new FlowRunError(
      "invalid-context",
      `state "${details.state}" returned ${Array.isArray(patch) ? "an array" : typeof patch} instead of a context patch (an object or nothing)`,
      details,
    );
  return { ...context, ...(patch as Record<string, unknown>) };
}
