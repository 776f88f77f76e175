import { execFile } from "node:child_process";
import { cp, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The conditions wrangler resolves with: no "@keel/source", so only the packages' built dist/ can match. */
const WORKER_CONDITIONS = ["workerd", "worker", "browser", "import", "default"];

export interface PackedBundle {
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Imports esbuild left in the output: a worker bundle must have none. */
  imports: string[];
  /** `node:` or bare Node built-in specifiers found in the code. */
  nodeImports: string[];
  /** Input files esbuild read from the Keel packages, relative to the project. */
  keelInputs: string[];
  tarballs: Record<string, string>;
  /** Minified bytes each package contributes, largest first. */
  bytesByPackage: Array<[string, number]>;
}

/** `scripts/pack.mjs`: a current build of each package is reused, else it is built first. */
export async function packPackages(into: string, packages: string[]): Promise<Record<string, string>> {
  const pack = (build: boolean) =>
    run(
      process.execPath,
      ["scripts/pack.mjs", "--out", into, ...(build ? [] : ["--no-build"]), ...packages],
      {
        cwd: ROOT,
        maxBuffer: 16 << 20,
      },
    );
  const { stdout } = await pack(false).catch(() => pack(true));
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, string>;
}

/** Tarballs packed earlier into `dir` (`node scripts/pack.mjs --out DIR core providers`), by package name. */
export async function packedIn(dir: string, packages: string[]): Promise<Record<string, string>> {
  const files = await readdir(dir);
  const found: Record<string, string> = {};
  for (const name of packages) {
    const file = files.find((f) => f.startsWith(`keel-${name}-`) && f.endsWith(".tgz"));
    if (!file) throw new Error(`no keel-${name}-*.tgz in ${dir}`);
    found[`@keel/${name}`] = join(dir, file);
  }
  return found;
}

/**
 * Packs Keel's packages as they are published (`scripts/pack.mjs`: a current build is reused, else
 * built), unpacks the tarballs into `project/node_modules`, and bundles `entry` from there for a
 * Workers runtime. Third-party dependencies come from the workspace's install (pnpm's hoisted
 * store), so nothing is downloaded.
 */
export async function bundleFromPackages(
  entry: string,
  project: string,
  packages: string[],
  packed?: Record<string, string>,
): Promise<PackedBundle> {
  const tarballs = packed ?? (await packPackages(join(project, "tarballs"), packages));
  for (const [name, tarball] of Object.entries(tarballs)) {
    const into = join(project, "node_modules", name);
    await mkdir(into, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", into, "--strip-components=1"]);
  }
  // The entry must resolve @keel/* from the project, not from the workspace's links to sources.
  const copied = join(project, "worker.ts");
  await cp(entry, copied);
  const result = await build({
    absWorkingDir: project,
    entryPoints: [copied],
    bundle: true,
    minify: true,
    keepNames: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: WORKER_CONDITIONS,
    nodePaths: [join(ROOT, "node_modules/.pnpm/node_modules")],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0]!;
  const meta = Object.values(result.metafile.outputs)[0]!;
  const code = output.text;
  // esbuild lists every import it could not bundle in `imports`; a Node built-in read as an input
  // would show as a `node:` path. Strings that merely mention `node:` (an SDK's error text) are fine.
  const inputs = Object.keys(result.metafile.inputs);
  const nodeImports = [
    ...inputs.filter((path) => path.startsWith("node:")),
    ...[...code.matchAll(/\b(?:from|import)\s*["'](node:[^"']+)["']/g)].map((m) => m[1]!),
  ];
  const bytesByPackage = new Map<string, number>();
  for (const [path, info] of Object.entries(meta.inputs)) {
    const name =
      /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path;
    const part =
      name.startsWith("@keel/") && path.includes("injection-weights") ? `${name} (injection weights)` : name;
    bytesByPackage.set(part, (bytesByPackage.get(part) ?? 0) + info.bytesInOutput);
  }
  return {
    code,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    imports: meta.imports.map((i) => i.path),
    nodeImports,
    keelInputs: inputs.filter((path) => path.includes("@keel/")),
    bytesByPackage: [...bytesByPackage].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]),
    tarballs,
  };
}
