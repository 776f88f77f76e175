/** The `zod` module, as `import("zod")` returns it. */
export type ZodModule = typeof import("zod");

let zod: Promise<ZodModule> | undefined;

/**
 * Loads `zod` on first use and returns the module. Core imports zod only here, at call time, so
 * `import("@keel/core")` stays cheap; by the time a caller hands core a zod schema, zod is already
 * in the module cache and this costs nothing.
 */
export function loadZod(): Promise<ZodModule> {
  zod ??= import("zod");
  return zod;
}
