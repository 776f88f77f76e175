import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The URL of the `openai` package's ESM entry as `@keel/providers` resolves it, so the raw client
 * and Keel's adapter run the very same SDK (the bench package does not depend on `openai` itself).
 */
export function openaiModuleUrl(): string {
  const fromProviders = createRequire(import.meta.resolve("@keel/providers/openai"));
  return pathToFileURL(fromProviders.resolve("openai").replace(/index\.js$/, "index.mjs")).href;
}
