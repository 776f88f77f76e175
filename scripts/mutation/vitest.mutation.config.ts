import { defineConfig } from "vitest/config";
import workspace from "../../vitest.config.js";

/**
 * The test projects of a mutation run: the repo's own, each narrowed to the test files that
 * state the behaviour of the code in scope (see stryker.config.mjs).
 *
 * The narrowing lives here rather than in Stryker's `testFiles` option because Stryker 9.6.1
 * activates a static mutant (a module-level constant such as an error class's `retryable`)
 * only after the module has loaded when `testFiles` is set, so every such mutant survives
 * (stryker-js#6144). `KEEL_MUTATION_TESTS` (repo-relative globs, separated by spaces) narrows it
 * further for a run on one file.
 */
const defaultTests = [
  "packages/core/src/errors*.test.ts",
  "packages/core/src/to-keel-error*.test.ts",
  "packages/core/src/middleware/*.test.ts",
  "packages/core/src/cache/*.test.ts",
  "packages/core/src/flows/*.test.ts",
  "packages/core/src/search/{bm25,fusion}*.test.ts",
  "packages/core/src/guard/**/*.test.ts",
  "packages/eval/src/metrics/*.test.ts",
  "packages/gpu-client/src/routing/*.test.ts",
];
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by a Stryker run, never by a turbo task
const tests = process.env.KEEL_MUTATION_TESTS?.split(/\s+/).filter(Boolean) ?? defaultTests;

type Project = { test: { name: string; root: string; include?: string[] } };
const projects = ((workspace.test?.projects ?? []) as Project[])
  .map((project) => {
    const prefix = `${project.test.root}/`;
    const include = tests.filter((glob) => glob.startsWith(prefix)).map((glob) => glob.slice(prefix.length));
    return { ...project, test: { ...project.test, include } };
  })
  .filter((project) => project.test.include.length > 0);

export default defineConfig({ test: { projects } });
