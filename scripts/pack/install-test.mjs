// Installs the tarballs with npm into a fresh project outside the workspace, as an adopter would,
// and checks what that adopter meets:
//  1. every entry of every package imports with no optional peer installed, or fails with a typed
//     error that names the package to install (never a bare ERR_MODULE_NOT_FOUND);
//  2. a strict app importing every entry type-checks with `skipLibCheck: false` under `nodenext`
//     and under `bundler` resolution, with only the SDK peers installed (declarations must not
//     need ioredis, better-sqlite3, pg, node-llama-cpp, … types);
//  3. scripts/pack/app/app.ts, compiled and run with node, talks to the wire test server through
//     the real OpenAI and Anthropic SDKs (when @keel/providers is among the packed packages).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./workspace.mjs";

const require = createRequire(import.meta.url);

/**
 * Optional peers whose types a declaration may use: the SDK a subpath wraps, whose objects the
 * caller hands in (an `OpenAI` client, an OpenTelemetry tracer, an MCP client). Every other
 * optional peer (stores' drivers, native addons) must be described by structural types.
 */
export const TYPED_PEERS = [
  "openai",
  "@anthropic-ai/sdk",
  "@google/generative-ai",
  "@opentelemetry/api",
  "@modelcontextprotocol/sdk",
];

/** The version of `name` the workspace tests with (so the install test uses the same). */
function workspaceVersion(name) {
  for (const from of ["packages/providers", "packages/core", "."]) {
    try {
      return JSON.parse(readFileSync(join(ROOT, from, "node_modules", name, "package.json"), "utf8")).version;
    } catch {}
  }
  throw new Error(`${name} is not installed in the workspace: run \`npm run setup\``);
}

function npm(dir, args) {
  const run = spawnSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], {
    cwd: dir,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
}

function entrySpecifiers(pkg) {
  return Object.keys(pkg.exports ?? {})
    .filter((subpath) => !subpath.includes("*") && !subpath.endsWith(".json"))
    .map((subpath) => (subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
}

const PROBE = `
const results = {};
for (const specifier of JSON.parse(process.argv[1])) {
  try { await import(specifier); results[specifier] = { ok: true }; }
  catch (error) {
    results[specifier] = { ok: false, name: error?.name, code: error?.code, message: String(error?.message ?? error).split("\\n")[0] };
  }
}
process.stdout.write(JSON.stringify(results));
`;

/** Imports each specifier in one fresh node process; returns what each import did. */
function probeImports(dir, specifiers) {
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", PROBE, JSON.stringify(specifiers)],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  return JSON.parse(out);
}

/** A failed import is acceptable only as a typed Keel error that says what to install. */
function importProblem(specifier, result) {
  if (result.ok) return undefined;
  const typed = result.name !== "Error" && /npm (i|install) /.test(result.message);
  if (typed) return undefined;
  return `import "${specifier}" fails with ${result.code ?? result.name}: ${result.message}`;
}

/**
 * Where errors inside other packages' declarations go (e.g. an SDK's types that need the DOM lib):
 * reported, but not failures of a Keel package.
 */
export const NOTES = "third-party declarations (reported, not a Keel failure)";

/** tsc errors listed per package and resolution mode; the rest are counted. */
const MAX_ERRORS = 12;

const TSCONFIG = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "preserve", moduleResolution: "bundler" },
};

function typecheck(dir, mode, files, outDir) {
  const compilerOptions = {
    ...TSCONFIG[mode],
    target: "es2022",
    lib: ["es2023"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    ...(outDir ? { outDir, rootDir: "." } : { noEmit: true }),
  };
  const config = `tsconfig.${mode}.json`;
  writeFileSync(join(dir, config), JSON.stringify({ compilerOptions, files }, null, 2));
  const tsc = require.resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  return run.status === 0 ? [] : `${run.stdout}${run.stderr}`.trim().split("\n");
}

/** Which package a tsc error line belongs to: the @keel package whose files it names. */
function ownerOf(line, names) {
  const inPackage = line.match(/node_modules\/(@keel\/[^/]+)\//);
  if (inPackage) return inPackage[1];
  const inEntries = line.match(/^entries-([\w-]+)\.ts/);
  if (inEntries) return names.find((name) => name.endsWith(`/${inEntries[1]}`));
  if (line.startsWith("app.ts")) return "@keel/providers";
  return undefined;
}

/**
 * @param {{ name: string, tarball: string, pkg: Record<string, any> }[]} packed
 * @param {(line: string) => void} log
 * @returns {Promise<Map<string, string[]>>} problems per package name ("(install)" for the project)
 */
export async function installTest(packed, log) {
  const problems = new Map(packed.map((entry) => [entry.name, []]));
  const add = (name, problem) => problems.get(name)?.push(problem) ?? problems.set(name, [problem]);
  const dir = mkdtempSync(join(tmpdir(), "keel-install-test-"));
  try {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "keel-install-test", private: true, type: "module" }, null, 2),
    );
    log(`npm install of ${packed.length} tarballs into ${dir}`);
    npm(dir, ["install", ...packed.map((entry) => entry.tarball)]);

    log("importing every entry with no optional peer installed");
    const bare = probeImports(
      dir,
      packed.flatMap((entry) => entrySpecifiers(entry.pkg)),
    );
    for (const entry of packed)
      for (const specifier of entrySpecifiers(entry.pkg)) {
        const problem = importProblem(specifier, bare[specifier]);
        if (problem) add(entry.name, `${problem} (no optional peers installed)`);
      }

    const peers = [...TYPED_PEERS.map((name) => `${name}@${workspaceVersion(name)}`)];
    log(`npm install ${peers.join(" ")} and @types/node, typescript from the workspace`);
    npm(dir, ["install", ...peers, `@types/node@${workspaceVersion("@types/node")}`]);

    const names = packed.map((entry) => entry.name);
    // The app talks to the wire test server through @keel/providers: it can only be checked when
    // providers was packed too (a run of `pack-check core` alone says so instead of failing it).
    const withApp = names.includes("@keel/providers");
    const files = withApp ? ["app.ts"] : [];
    if (withApp) copyFileSync(join(ROOT, "scripts/pack/app/app.ts"), join(dir, "app.ts"));
    for (const entry of packed) {
      const short = entry.name.split("/")[1];
      const specifiers = entrySpecifiers(entry.pkg);
      const body = specifiers.map((specifier, i) => `import * as entry${i} from "${specifier}";`).join("\n");
      const use = `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(", ")}];`;
      writeFileSync(join(dir, `entries-${short}.ts`), `${body}\n${use}\n`);
      files.push(`entries-${short}.ts`);
    }
    for (const mode of ["nodenext", "bundler"]) {
      log(`tsc (strict, skipLibCheck false, ${mode} resolution)`);
      const errors = typecheck(dir, mode, files, mode === "nodenext" ? "out" : undefined);
      const byOwner = new Map();
      for (const line of errors.filter((text) => /error TS\d+/.test(text))) {
        const owner = ownerOf(line, names) ?? NOTES;
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), line]);
      }
      for (const [owner, lines] of byOwner) {
        for (const line of lines.slice(0, MAX_ERRORS)) add(owner, `types (${mode}): ${line}`);
        if (lines.length > MAX_ERRORS)
          add(owner, `types (${mode}): … ${lines.length - MAX_ERRORS} more errors`);
      }
    }

    if (!withApp) {
      log("app.ts not compiled or run: @keel/providers is not among the packed packages");
      return problems;
    }
    log("node out/app.js (OpenAI + Anthropic SDKs against the wire test server)");
    const app = spawnSync(process.execPath, ["out/app.js"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    if (app.status !== 0)
      add("@keel/providers", `app.ts run failed (${app.signal ?? app.status}):\n${app.stdout}${app.stderr}`);
    else log(app.stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
