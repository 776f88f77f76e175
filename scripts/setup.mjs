#!/usr/bin/env node
// Installs the workspace with the pinned pnpm (package.json "packageManager"), so that every root
// script works on a machine with only Node and npm.
//
//   node scripts/setup.mjs          everything (`npm test`): all packages, dev tools, native addons
//   node scripts/setup.mjs --demo   only what examples/src/demo.ts runs on (`npm run demo`): the
//                                   examples' production dependencies, no dev tools, no native builds
//
// An install is skipped when node_modules already holds one for this lockfile (a full install
// serves the demo too). pnpm's output goes to node_modules/.keel-setup.log and is printed only
// if the install fails: compiler noise from native addons is not progress.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const MARKER = join(ROOT, "node_modules/.keel-setup.json");
const LOG = join(ROOT, "node_modules/.keel-setup.log");
const DEMO_PROJECT = "@keel/examples";

const readJson = (path) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));
const PNPM = readJson("package.json").packageManager;
const wanted = process.argv.includes("--demo") ? "demo" : "full";

// What the install depends on: a change to any of these makes node_modules stale.
const inputs = createHash("sha256");
for (const file of ["pnpm-lock.yaml", "pnpm-workspace.yaml"]) inputs.update(readFileSync(join(ROOT, file)));
const lockHash = inputs.digest("hex").slice(0, 16);

/** A checkout installed before this script kept a marker: pnpm's own state file newer than the lockfile. */
function installedWithoutMarker() {
  const state = join(ROOT, "node_modules/.modules.yaml");
  return existsSync(state) && statSync(state).mtimeMs >= statSync(join(ROOT, "pnpm-lock.yaml")).mtimeMs;
}

const marker = existsSync(MARKER)
  ? JSON.parse(readFileSync(MARKER, "utf8"))
  : installedWithoutMarker()
    ? { mode: "full", lockHash }
    : undefined;
const current = marker?.lockHash === lockHash ? marker.mode : undefined;
if (current === "full" || current === wanted) process.exit(0);

/** Every node_modules folder of the workspace (root, packages/*, examples, bench). */
function workspaceModules() {
  const folders = ["node_modules", "examples/node_modules", "bench/node_modules"];
  for (const entry of readdirSync(join(ROOT, "packages"))) folders.push(`packages/${entry}/node_modules`);
  return folders.map((folder) => join(ROOT, folder)).filter((folder) => existsSync(folder));
}

/**
 * The demo runs the providers' TypeScript sources, which import the SDKs (`openai`, …) that are
 * only optional peers there; the examples depend on them as an app would. Hoisting those to the
 * root node_modules lets the providers' sources resolve them without the providers' dev tools.
 */
function demoHoistPatterns() {
  const examples = readJson("examples/package.json");
  const sdks = new Set();
  for (const entry of readdirSync(join(ROOT, "packages"))) {
    const pkg = readJson(`packages/${entry}/package.json`);
    if (!examples.dependencies?.[pkg.name]) continue;
    for (const peer of Object.keys(pkg.peerDependencies ?? {}))
      if (examples.dependencies[peer]) sdks.add(peer);
  }
  return [...sdks].map((name) => `--config.public-hoist-pattern=${name}`);
}

const mode = wanted === "demo" && marker?.mode !== "full" ? "demo" : "full";
const args = ["--yes", PNPM, "install"];
if (process.env.CI) args.push("--frozen-lockfile");
if (mode === "demo")
  args.push(`--filter=${DEMO_PROJECT}...`, "--prod", "--ignore-scripts", ...demoHoistPatterns());
// A demo install (filtered, no dev dependencies, different hoisting) is not a base pnpm can extend.
if (mode === "full" && marker?.mode === "demo")
  for (const folder of workspaceModules()) rmSync(folder, { recursive: true, force: true });

const env = { ...process.env };
// better-sqlite3 compiles from source here; node-gyp needs Node's headers.
if (!env.npm_config_nodedir && existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";

const what = mode === "demo" ? "the demo's dependencies" : "the workspace (all packages and dev tools)";
console.log(`setup: installing ${what} with ${PNPM}; log in node_modules/.keel-setup.log`);
mkdirSync(join(ROOT, "node_modules"), { recursive: true });
const log = createWriteStream(LOG);
const started = Date.now();
const child = spawn("npx", args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
child.stdout.pipe(log, { end: false });
child.stderr.pipe(log, { end: false });
const ticker = setInterval(
  () => console.log(`setup: still installing (${Math.round((Date.now() - started) / 1000)} s)`),
  15_000,
);
const [code] = await new Promise((resolve) => child.on("close", (...result) => resolve(result)));
clearInterval(ticker);
await new Promise((resolve) => log.end(resolve));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (code !== 0) {
  process.stderr.write(readFileSync(LOG, "utf8"));
  console.error(`setup: pnpm install failed after ${seconds} s (exit ${code}); its output is above`);
  process.exit(1);
}
writeFileSync(MARKER, JSON.stringify({ mode, lockHash, pnpm: PNPM }, null, 2));
console.log(`setup: installed in ${seconds} s`);
