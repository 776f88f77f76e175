// Builds the fixture servers once and starts them as child processes.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ENTRIES = ["stdio-main", "http-main", "keel-stdio-main"] as const;
const CACHE = fileURLToPath(new URL("../../../../node_modules/.cache/keel-mcp-fixtures/", import.meta.url));

/** Bundled fixture entry points (plain Node ESM files). */
export interface FixtureBundle {
  path: (entry: (typeof ENTRIES)[number]) => string;
}

/** What a bundle was built from: each input file and the hash of its contents. */
interface Manifest {
  dir: string;
  inputs: Record<string, string>;
}

async function hashOf(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

async function isFresh(manifest: Manifest): Promise<boolean> {
  try {
    await stat(manifest.dir);
    for (const [file, hash] of Object.entries(manifest.inputs))
      if ((await hashOf(file)) !== hash) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Bundles the fixture servers with esbuild (starting tsx per child would cost a second of CPU
 * each), into the package's node_modules/.cache. A bundle is reused while none of the files it
 * was built from changed, so the test files share one build.
 */
export async function bundleFixtures(): Promise<FixtureBundle> {
  await mkdir(CACHE, { recursive: true });
  const manifestFile = join(CACHE, "manifest.json");
  const known = await readFile(manifestFile, "utf8").then(
    (text) => JSON.parse(text) as Manifest,
    () => undefined,
  );
  const bundle = (dir: string): FixtureBundle => ({ path: (entry) => join(dir, `${entry}.mjs`) });
  if (known && (await isFresh(known))) return bundle(known.dir);

  const dir = await mkdtemp(join(CACHE, "build-"));
  const result = await build({
    entryPoints: ENTRIES.map((e) => fileURLToPath(new URL(`./${e}.ts`, import.meta.url))),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@keel/source"],
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    metafile: true,
    logLevel: "warning",
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = resolve(process.cwd(), input);
    inputs[file] = await hashOf(file);
  }
  const temp = join(dir, "manifest.json");
  await writeFile(temp, JSON.stringify({ dir, inputs } satisfies Manifest));
  await rename(temp, manifestFile);
  // Older builds go; one a test file started with a moment ago is kept until it is stale.
  for (const name of await readdir(CACHE))
    if (name.startsWith("build-") && join(CACHE, name) !== dir) {
      const old = join(CACHE, name);
      if (Date.now() - (await stat(old)).mtimeMs > 10 * 60_000)
        await rm(old, { recursive: true, force: true });
    }
  return bundle(dir);
}

/** A running HTTP fixture server. */
export interface HttpFixture {
  base: string;
  child: ChildProcess;
  /**
   * Open sockets and sockets with a request or stream in progress (neither counting the stats
   * request), Streamable HTTP sessions, legacy SSE sessions.
   */
  stats: () => Promise<{ sockets: number; busy: number; sessions: number; legacy: number }>;
  /** Ends the server and waits for its exit. */
  stop: () => Promise<void>;
}

/** Starts the HTTP fixture server (on `port`, default a free one) and waits for the URL it prints. */
export async function startHttpFixture(bundle: FixtureBundle, port?: number): Promise<HttpFixture> {
  const args = [bundle.path("http-main"), ...(port !== undefined ? ["--port", String(port)] : [])];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const base = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the HTTP fixture exited with ${code} before listening`)));
  });
  lines.close();
  return {
    base,
    child,
    stats: async () => (await fetch(`${base}/stats`, { headers: { connection: "close" } })).json() as never,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** True while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
