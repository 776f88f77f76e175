import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Runs once per vitest run of the rag project: builds and enables the real pgvector extension
 * (scripts/setup-pgvector.sh, a no-op once installed), so the pgvector tests run on the real thing.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, "../../../..");
  execFileSync("bash", ["scripts/setup-pgvector.sh"], { cwd: root, stdio: "inherit" });
}
