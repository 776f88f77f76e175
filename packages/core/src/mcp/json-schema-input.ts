import type { JsonSchemaType, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import type { JsonSchema } from "../model.js";
import { AjvJsonSchemaValidator } from "./sdk.js";

/**
 * A tool input schema for a JSON Schema that came from elsewhere (an MCP server): a zod schema
 * whose validation is the JSON Schema validator's (ajv by default, as the MCP SDK uses) and
 * whose `toJSONSchema()` returns the original schema unchanged, so the model sees exactly what
 * the server declared. Also serves to define a Keel tool by JSON Schema instead of zod. Throws
 * `InvalidRequestError`, naming `what`, when the schema does not compile.
 */
export function jsonSchemaInput(
  schema: JsonSchema,
  options: { validator?: jsonSchemaValidator; what?: string } = {},
): z.ZodType {
  const validator = options.validator ?? new AjvJsonSchemaValidator();
  const what = options.what ?? "a JSON Schema tool input";
  // The SDK's ajv speaks draft-07; a 2020-12 `$schema` marker would make it refuse the schema,
  // and the keywords tool schemas use mean the same in both drafts.
  const { $schema: _, ...body } = schema;
  let validate: ReturnType<jsonSchemaValidator["getValidator"]>;
  try {
    validate = validator.getValidator({ type: "object", ...body } as JsonSchemaType);
  } catch (error) {
    throw new InvalidRequestError(
      `${what}: its input schema does not compile: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const input = z.unknown().superRefine((value, ctx) => {
    const result = validate(value);
    if (!result.valid) ctx.addIssue({ code: "custom", message: result.errorMessage, input: value });
  });
  const original = structuredClone(schema);
  // Core turns tool inputs into JSON Schema through this method; hand it the server's own schema.
  Object.defineProperty(input, "toJSONSchema", {
    value: () => structuredClone(original),
    enumerable: false,
  });
  return input;
}
