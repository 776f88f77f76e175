#!/usr/bin/env node
// Installs the workspace with the pinned pnpm when node_modules is missing or older
// than the lockfile, so `npm run demo` and `npm test` work on a machine with only Node + npm.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const PNPM = "pnpm@12.4.2";
const marker = "node_modules/.modules.yaml";
const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync("pnpm-lock.yaml").mtimeMs;
if (!fresh) {
  const env = { ...process.env };
  // better-sqlite3 compiles from source here; node-gyp needs Node's headers.
  if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
  const frozen = process.env.CI ? " --frozen-lockfile" : "";
  execSync(`npx --yes ${PNPM} install${frozen}`, { stdio: "inherit", env });
}
