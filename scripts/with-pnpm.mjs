#!/usr/bin/env node
// Runs a command with the pinned pnpm (package.json "packageManager") on PATH, so that tools which
// shell out to `pnpm` (turbo does) work on a machine that has only Node and npm:
//
//   node scripts/with-pnpm.mjs turbo run build
//
// A matching pnpm already on PATH is used as it is; otherwise npx provides the pinned one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

const root = new URL("..", import.meta.url);
const pinned = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).packageManager;
const [command, ...args] = process.argv.slice(2);
if (!command || !pinned?.startsWith("pnpm@")) {
  console.error(
    'usage: node scripts/with-pnpm.mjs <command> [args...] (needs "packageManager": "pnpm@x.y.z")',
  );
  process.exit(2);
}

// The workspace's own tools (turbo, …) run whether or not this was started by an npm script.
const bin = fileURLToPath(new URL("node_modules/.bin", root));
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
const found = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
const onPath = found.status === 0 && `pnpm@${found.stdout.trim()}` === pinned;
const run = onPath
  ? spawnSync(command, args, { stdio: "inherit", env })
  : spawnSync("npx", ["--yes", "-p", pinned, "--", command, ...args], { stdio: "inherit", env });
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
