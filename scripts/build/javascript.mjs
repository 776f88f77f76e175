// The JavaScript half of a package build: rollup bundles every entry into ESM in dist/, with
// esbuild compiling each TypeScript file (type-only syntax removed; tsc checks types elsewhere).
//
// Chunking: every module the primary entries statically reach goes into one chunk, and the
// remaining code shared by several entries into rollup's usual shared chunks. The primary entries
// are "." and, where a package has it, "./provider": every app imports the root, and every app
// that calls a model loads a provider adapter, which imports "@keel/core/provider". Node pays
// about a millisecond per ES module file it loads, so those two entries cost three files (their
// facades and that chunk) however many subpaths share their code.
// A module still exists once in dist/, so module state (core's event hub) is never duplicated.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { transform } from "esbuild";
import { rollup } from "rollup";

const TARGET = "es2022";
const PRIMARY_SUBPATHS = [".", "./provider"];

/** Resolves the `./x.js` specifiers of NodeNext-style TypeScript to `./x.ts` and compiles it. */
const typescript = {
  name: "keel-typescript",
  resolveId(source, importer) {
    if (!importer || !source.startsWith(".") || !source.endsWith(".js")) return null;
    const candidate = resolve(dirname(importer), `${source.slice(0, -3)}.ts`);
    return existsSync(candidate) ? candidate : null;
  },
  async transform(code, id) {
    if (!id.endsWith(".ts")) return null;
    const result = await transform(code, {
      loader: "ts",
      format: "esm",
      target: TARGET,
      sourcemap: true,
      sourcefile: id,
    });
    return { code: result.code, map: result.map };
  },
};

/** Every module `entry` reaches through static imports (dynamic imports stay lazy chunks). */
function staticallyReached(entry, getModuleInfo) {
  const reached = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const id = pending.pop();
    if (reached.has(id)) continue;
    const info = getModuleInfo(id);
    if (!info || info.isExternal) continue;
    reached.add(id);
    pending.push(...info.importedIds);
  }
  return reached;
}

/**
 * @param {string} dir the package folder
 * @param {{ name: string, source: string, subpath: string | undefined }[]} entries
 * @returns {Promise<{ imports: Map<string, string>, warnings: string[] }>} the bare specifiers the
 *   output imports (with an importing file) and rollup's warnings
 */
export async function bundleJavaScript(dir, entries) {
  const imports = new Map();
  const warnings = [];
  const primary = entries
    .filter((entry) => PRIMARY_SUBPATHS.includes(entry.subpath))
    .map((entry) => entry.source);
  let primaryModules;
  const bundle = await rollup({
    input: Object.fromEntries(entries.map((entry) => [entry.name, entry.source])),
    plugins: [typescript],
    external: (id, importer) => {
      const bare = !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0");
      if (bare) imports.set(id, importer ? importer.slice(dir.length + 1) : "an entry");
      return bare;
    },
    // An entry that exports nothing (a root kept for subpaths only) is a fine, empty file.
    onwarn: (warning) => {
      if (warning.code !== "EMPTY_BUNDLE") warnings.push(`${warning.code}: ${warning.message}`);
    },
  });
  await bundle.write({
    dir: `${dir}/dist`,
    format: "es",
    entryFileNames: "[name].js",
    chunkFileNames: "chunks/[name]-[hash].js",
    sourcemap: true,
    manualChunks: (id, { getModuleInfo }) => {
      if (primary.length === 0) return undefined;
      primaryModules ??= new Set(primary.flatMap((entry) => [...staticallyReached(entry, getModuleInfo)]));
      return primaryModules.has(id) ? "main" : undefined;
    },
  });
  await bundle.close();
  return { imports, warnings };
}
