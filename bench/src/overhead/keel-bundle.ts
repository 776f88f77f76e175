import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/**
 * Leaves every third-party package outside the bundle, imported by its absolute URL: a bundle
 * holds only Keel's own code (compiled, as its dist would be) and loads `openai`, `zod`,
 * `p-retry`, … from node_modules exactly as an installed app does.
 */
const thirdPartyByUrl: Plugin = {
  name: "third-party-by-url",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@keel/") || args.pluginData?.inner) return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { inner: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external) return { path: args.path, external: true };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** A temporary folder for bundles, removed by `dispose`. */
export function bundleDir(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "keel-overhead-"));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Compiles `contents` (TypeScript importing Keel packages) into one ESM file in `dir`, from Keel's
 * sources, without the name-keeping helpers tsx adds when it runs TypeScript, and returns its URL.
 * `from` is where bare imports resolve: `bench` (the default), or the Keel package whose
 * dependency is imported (`openai` lives in providers, `zod` in core; the bench depends on neither).
 */
export async function bundle(
  dir: string,
  name: string,
  contents: string,
  from: "bench" | "providers" | "core" = "bench",
): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  const resolveDir =
    from === "bench"
      ? HERE
      : dirname(
          fileURLToPath(import.meta.resolve(from === "core" ? "@keel/core" : "@keel/providers/openai")),
        );
  await build({
    stdin: { contents, resolveDir, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["@keel/source"],
    outfile,
    plugins: [thirdPartyByUrl],
    logLevel: "error",
  });
  return pathToFileURL(outfile).href;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The version of `openai` that `@keel/providers` is tested with in the workspace. */
function workspaceOpenAIVersion(): string {
  const entry = createRequire(import.meta.resolve("@keel/providers/openai")).resolve("openai");
  // `openai` does not export its package.json: read it from the folder its entry sits in.
  const folder = entry.slice(0, entry.lastIndexOf("/node_modules/openai/") + "/node_modules/openai/".length);
  return (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version: string }).version;
}

/** Writes a module with `source` into the installed project and returns its URL. */
export type ModuleUrl = (name: string, source: string) => string;

/**
 * What a user installs: builds and packs `@keel/core` and `@keel/providers` (scripts/pack.mjs),
 * then `npm install`s the tarballs and the workspace's `openai` version into a project in `dir`.
 * Returns `url(name, source)`, which writes a module with `source` into that project (so its
 * imports resolve from the project's node_modules, as in an app) and returns its URL.
 */
export function installPacked(dir: string): ModuleUrl {
  const project = join(dir, "packed-app");
  const tarballDir = join(dir, "tarballs");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ private: true, type: "module" }));
  const packed = execFileSync(
    process.execPath,
    [join(ROOT, "scripts/pack.mjs"), "--out", tarballDir, "core", "providers"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const tarballs = Object.values(JSON.parse(packed) as Record<string, string>);
  execFileSync(
    "npm",
    [
      "install",
      ...tarballs,
      `openai@${workspaceOpenAIVersion()}`,
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
    ],
    { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
  );
  return (name, source) => {
    const file = join(project, `${name}.mjs`);
    writeFileSync(file, source);
    return pathToFileURL(file).href;
  };
}
