import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { Flow } from "../flows/define-flow.js";
import { type Tool, tool } from "../tools/tool.js";

/**
 * A whole Keel flow as one tool (to serve over MCP or give to `runTools`): its input is the
 * flow's starting context, validated by `input` (default: the flow's own zod context schema);
 * it returns the terminal state and final context. The call's signal aborts the run.
 */
export function flowTool<Ctx, S extends string>(options: {
  flow: Flow<Ctx, S>;
  name?: string;
  description?: string;
  input?: z.ZodType<Ctx>;
  timeoutMs?: number;
}): Tool<z.ZodType<Ctx>, { state: S; context: Ctx }> {
  const spec = options.flow.definition.context as unknown;
  const input = options.input ?? (isZod(spec) ? (spec as z.ZodType<Ctx>) : undefined);
  if (!input)
    throw new InvalidRequestError(
      `flow "${options.flow.id}" declares its context by type only; pass \`input\`, a zod schema of its starting context`,
    );
  return tool({
    name: options.name ?? options.flow.id,
    ...(options.description !== undefined ? { description: options.description } : {}),
    input,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    async execute(value, context) {
      const result = await options.flow.run(value as Ctx, { signal: context.signal });
      return { state: result.state, context: result.context };
    },
  });
}

function isZod(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { safeParseAsync?: unknown }).safeParseAsync === "function"
  );
}
