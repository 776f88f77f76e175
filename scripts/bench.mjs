#!/usr/bin/env node
// Runs one benchmark on what users get: builds the packages first (turbo, cached, so only a
// changed package rebuilds) and runs the bench file with tsx without the "@keel/source"
// condition, so every `@keel/*` import resolves to the package's built `dist` — the files its
// tarball ships — not to its TypeScript sources.
//
//   node scripts/bench.mjs bench/src/eval/speed.ts [bench arguments]
//
// `--sources` (anywhere in the arguments) skips the build and runs the sources: quick iteration
// while changing code, not for figures you report.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const fromSources = process.argv.includes("--sources");
const [file, ...args] = process.argv.slice(2).filter((arg) => arg !== "--sources");
if (!file) {
  console.error("usage: node scripts/bench.mjs <bench file> [arguments]");
  process.exit(2);
}

const root = new URL("..", import.meta.url);
if (!fromSources) {
  console.error("bench: building the packages (measured from their dist)…");
  const build = spawnSync(
    process.execPath,
    [
      "scripts/with-pnpm.mjs",
      "turbo",
      "run",
      "build",
      "--output-logs=errors-only",
      "--filter=@keel/bench^...",
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const conditions = fromSources ? ["--conditions=@keel/source"] : [];
const run = spawnSync(process.execPath, [tsx, ...conditions, file, ...args], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
