/**
 * Bundles a worker entry the way an edge deployment would (esbuild, browser platform, the
 * Workers export conditions, minified ESM) and says what went into it.
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** The conditions wrangler resolves with, after Keel's source condition (the tests bundle TypeScript). */
export const WORKER_CONDITIONS = ["@keel/source", "workerd", "worker", "browser", "import", "default"];

/** One bundle and the facts the edge tests check. */
export interface WorkerBundle {
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Imports left in the output (externals): an edge bundle must have none. */
  imports: string[];
  /** Every input file esbuild read, relative to the repository root. */
  inputs: string[];
  /** Bytes each package (`@keel/core`, `openai`, ...) contributes to the minified output, largest first. */
  bytesByPackage: Array<[string, number]>;
}

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * Bundles `entry` (an absolute path) for a Workers runtime. The browser platform matters: it
 * honours the package.json `browser` field, which the Anthropic SDK uses to swap its Node-only
 * module (`internal/node.mjs`) for a stub.
 */
export async function bundleWorker(entry: string): Promise<WorkerBundle> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    // As wrangler does: the SDKs build their user-agent, and Keel its error names, from class names.
    keepNames: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: WORKER_CONDITIONS,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0]!;
  const [meta] = Object.values(result.metafile.outputs) as [Metafile["outputs"][string]];
  const bytesByPackage = new Map<string, number>();
  for (const [path, info] of Object.entries(meta.inputs)) {
    const name = packageOf(path);
    bytesByPackage.set(name, (bytesByPackage.get(name) ?? 0) + info.bytesInOutput);
  }
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    imports: meta.imports.map((i) => i.path),
    inputs: Object.keys(result.metafile.inputs),
    bytesByPackage: [...bytesByPackage].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]),
  };
}

/** The npm package an input path belongs to; workspace sources count as their `@keel/...` package. */
export function packageOf(path: string): string {
  const workspace = /^packages\/([^/]+)\/src\//.exec(path);
  if (workspace) return `@keel/${workspace[1]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dependency ? dependency[1]! : path;
}

/** Node's built-in module names, bare and `node:`-prefixed. */
export const NODE_BUILTINS: ReadonlySet<string> = new Set(
  builtinModules.flatMap((name) => [name, `node:${name}`, name.replace(/^node:/, "")]),
);
