#!/usr/bin/env node
// Builds one package as it is published: every entry of its `exports` map and `bin` becomes a
// bundled ESM file in dist/ (code shared between entries is split into dist/chunks/ once, so
// module state such as an event emitter is never duplicated; see build/javascript.mjs for how),
// with a source map that embeds its sources, and one bundled declaration file per entry. Dependencies, peer dependencies and Node
// builtins stay external; an import of anything else stops the build.
//
//   node scripts/build.mjs [packageDir]      (a package's `npm run build` runs it from its folder)
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";
import { buildEntries, PackageManifestError } from "./build/entries.mjs";
import { importRule } from "./build/externals.mjs";
import { bundleJavaScript } from "./build/javascript.mjs";

const require = createRequire(import.meta.url);

/** The build of one package failed; `problems` lists each reason. */
export class BuildError extends Error {
  name = "BuildError";
}

function checkImports(pkg, imports) {
  const reject = importRule(pkg);
  const problems = [];
  for (const [specifier, importer] of imports) {
    const reason = reject(specifier);
    if (reason) problems.push(`${importer} imports "${specifier}", which ${reason}`);
  }
  if (problems.length > 0) throw new BuildError(`${pkg.name}:\n  ${problems.join("\n  ")}`);
}

async function buildJavaScript(dir, pkg, entries) {
  const { imports, warnings } = await bundleJavaScript(dir, entries);
  if (warnings.length > 0)
    throw new BuildError(`${pkg.name}: rollup warnings must be fixed:\n  ${warnings.join("\n  ")}`);
  checkImports(pkg, imports);
  for (const entry of entries)
    if (entry.subpath === undefined) chmodSync(join(dir, "dist", `${entry.name}.js`), 0o755);
}

/** tsc emits declarations per source file into a temporary folder; rollup-plugin-dts bundles one per entry. */
async function buildDeclarations(dir, pkg, entries) {
  const typed = entries.filter((entry) => entry.types !== undefined);
  if (typed.length === 0) return;
  const tsconfig = join(dir, "tsconfig.build.json");
  if (!existsSync(tsconfig))
    throw new PackageManifestError(
      `${pkg.name}: tsconfig.build.json (rootDir src, no test files) is missing`,
    );
  const temp = mkdtempSync(join(tmpdir(), "keel-dts-"));
  try {
    const tsc = require.resolve("typescript/bin/tsc");
    const args = ["-p", tsconfig, "--emitDeclarationOnly", "--declarationMap", "false", "--outDir", temp];
    const emitted = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: "utf8" });
    if (emitted.status !== 0)
      throw new BuildError(
        `${pkg.name}: tsc could not emit declarations:\n${emitted.stdout}${emitted.stderr}`,
      );
    const srcDir = join(dir, "src");
    const input = Object.fromEntries(
      typed.map((entry) => [
        entry.name,
        join(temp, relative(srcDir, entry.source)).replace(/\.ts$/, ".d.ts"),
      ]),
    );
    const imports = new Map();
    const bundle = await rollup({
      input,
      plugins: [dts({ respectExternal: true, compilerOptions: { declarationMap: false } })],
      external: (id, importer) => {
        const bare = !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0");
        if (bare) imports.set(id, importer ? relative(temp, importer) : "entry");
        return bare;
      },
      onwarn: (warning, warn) => {
        if (warning.code !== "EMPTY_BUNDLE") warn(warning);
      },
    });
    await bundle.write({
      dir: join(dir, "dist"),
      format: "es",
      entryFileNames: "[name].d.ts",
      chunkFileNames: (chunk) => `chunks/${chunk.name.replace(/\.d$/, "")}-[hash].d.ts`,
      // Module augmentations (`declare module "./events.js" { interface KeelEventMap … }`) can be
      // pointed at a chunk only when the chunk exports the augmented names under their own names.
      minifyInternalExports: false,
    });
    await bundle.close();
    checkImports(pkg, imports);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Builds the package in `dir` into `dir/dist`. */
export async function buildPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const entries = buildEntries(dir, pkg);
  const dist = join(dir, "dist");
  rmSync(dist, { recursive: true, force: true });
  try {
    await buildJavaScript(dir, pkg, entries);
    await buildDeclarations(dir, pkg, entries);
  } catch (error) {
    // A half-built dist (JavaScript without declarations) would pack and mislead: leave none.
    rmSync(dist, { recursive: true, force: true });
    throw error;
  }
  return { name: pkg.name, entries: entries.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(process.argv[2] ?? process.cwd());
  const started = performance.now();
  try {
    const built = await buildPackage(dir);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`built ${built.name}: ${built.entries} entries in ${seconds} s`);
  } catch (error) {
    if (!(error instanceof BuildError || error instanceof PackageManifestError)) throw error;
    console.error(`build failed: ${error.message}`);
    process.exitCode = 1;
  }
}
