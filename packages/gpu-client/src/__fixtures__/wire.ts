import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The recorded wire fixtures, in ../shared beside the repository root. */
const WIRE = fileURLToPath(new URL("../../../../../shared/fixtures/wire/", import.meta.url));

/** A fixture's text, e.g. `wireFixture("vllm/metrics-v0-scrape.docs.prom")`. */
export function wireFixture(path: string): string {
  return readFileSync(WIRE + path, "utf8");
}
