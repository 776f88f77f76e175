#!/usr/bin/env node
// Every package's `prepack` script: a tarball is made only by pnpm (which turns `workspace:*` into
// real versions and, through scripts/pack/pnpmfile.cjs, drops the "@keel/source" conditions), and
// only from a complete, current build. `npm pack` / `npm publish` stop here with the reason.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildEntries } from "../build/entries.mjs";

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const fail = (reason) => {
  console.error(`${pkg.name}: not packing: ${reason}`);
  process.exit(1);
};

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the package manager running this script; no turbo task reads it
const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/"))
  fail(
    `pack and publish with pnpm (\`pnpm pack\`, \`pnpm publish\`): ${agent.split(" ")[0] || "this tool"} ` +
      'would publish "workspace:*" ranges and the "@keel/source" conditions as they are',
  );

function newestSource(folder) {
  let newest = { file: "", mtimeMs: 0 };
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = newestSource(path);
      if (inner.mtimeMs > newest.mtimeMs) newest = inner;
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      const { mtimeMs } = statSync(path);
      if (mtimeMs > newest.mtimeMs) newest = { file: path, mtimeMs };
    }
  }
  return newest;
}

const entries = buildEntries(dir, pkg);
const missing = entries
  .flatMap((entry) => [`dist/${entry.name}.js`, ...(entry.types ? [`dist/${entry.name}.d.ts`] : [])])
  .filter((file) => !existsSync(join(dir, file)));
if (missing.length > 0) fail(`run \`npm run build\` first; missing ${missing.join(", ")}`);

const built = Math.min(...entries.map((entry) => statSync(join(dir, `dist/${entry.name}.js`)).mtimeMs));
const newest = newestSource(join(dir, "src"));
if (newest.mtimeMs > built)
  fail(`dist is older than ${newest.file.slice(dir.length + 1)}: run \`npm run build\``);
