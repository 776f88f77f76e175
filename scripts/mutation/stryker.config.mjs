// Mutation testing of core's resilience code and the core logic of the newer packages
// (issue 20). Run from the repo root: `pnpm run mutation` for the whole scope (slow; see the
// README), or one file against the tests beside it:
//   KEEL_MUTATION_TESTS='packages/core/src/middleware/retry*.test.ts' \
//     pnpm run mutation --mutate packages/core/src/middleware/retry.ts \
//     --incrementalFile reports/mutation/by-file/retry.incremental.json
// The tests run are the ones beside the code in scope (vitest.mutation.config.ts).
// Results are kept in reports/mutation/incremental.json, so a rerun only tests mutants whose
// code or covering tests changed. Static mutants (module-level constants) have no per-test
// coverage, so a result of theirs is reused even after a test that kills them was added
// (stryker-js#6119): pass --force after adding such a test.

/** Source files in scope; tests, fixtures and re-export barrels are not mutated. */
const mutate = [
  "packages/core/src/errors.ts",
  "packages/core/src/middleware/*.ts",
  "packages/core/src/cache/*.ts",
  "packages/core/src/flows/{flow-runner,execute-state,step-attempts,step-io,flow-context}.ts",
  "packages/core/src/search/{bm25,fusion}.ts",
  "packages/core/src/guard/**/*.ts",
  "packages/eval/src/metrics/*.ts",
  "packages/gpu-client/src/routing/*.ts",
  "!**/*.test.ts",
  "!**/index.ts",
  // Generated classifier weights: numbers, not logic.
  "!packages/core/src/guard/injection-weights.ts",
];

// Where the reports go: `KEEL_MUTATION_REPORT` (one.sh sets it per run, so runs side by side
// never read each other's report); the whole scope's run writes reports/mutation/mutation.json.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by a Stryker run, never by a turbo task
const report = process.env.KEEL_MUTATION_REPORT ?? "reports/mutation/mutation";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "scripts/mutation/vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // The machine has two cores; more workers only queue behind each other.
  concurrency: 2,
  mutate,
  incremental: true,
  incrementalFile: "reports/mutation/incremental.json",
  reporters: ["json", "html", "clear-text", "progress"],
  jsonReporter: { fileName: `${report}.json` },
  htmlReporter: { fileName: `${report}.html` },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Only what the tests in scope load is copied into the sandbox.
  ignorePatterns: [
    "/bench",
    "/examples",
    "/reports",
    "/packages/providers",
    "/packages/rag",
    "/packages/memory",
    "**/dist",
    "**/.turbo",
    "**/coverage",
    "**/*.gguf",
  ],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  // A loaded machine makes a test run slower than the dry run measured; a mutant is only a
  // timeout when it runs far past that.
  timeoutMS: 5_000,
  timeoutFactor: 2,
};
