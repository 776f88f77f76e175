// Builds the fixture servers once per test file and starts them as child processes.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ENTRIES = ["stdio-main", "http-main", "keel-stdio-main"] as const;

/** Bundled fixture entry points (plain Node ESM files) and a way to remove them. */
export interface FixtureBundle {
  path: (entry: (typeof ENTRIES)[number]) => string;
  remove: () => Promise<void>;
}

/** Bundles the fixture servers with esbuild: starting tsx per child would cost a second of CPU each. */
export async function bundleFixtures(): Promise<FixtureBundle> {
  const dir = await mkdtemp(join(tmpdir(), "keel-mcp-"));
  await build({
    entryPoints: ENTRIES.map((e) => fileURLToPath(new URL(`./${e}.ts`, import.meta.url))),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@keel/source"],
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return {
    path: (entry) => join(dir, `${entry}.mjs`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A running HTTP fixture server. */
export interface HttpFixture {
  base: string;
  child: ChildProcess;
  /** Open sockets (not counting the stats request), Streamable HTTP sessions, legacy SSE sessions. */
  stats: () => Promise<{ sockets: number; sessions: number; legacy: number }>;
  /** Ends the server and waits for its exit. */
  stop: () => Promise<void>;
}

/** Starts the HTTP fixture server and waits for the URL it prints. */
export async function startHttpFixture(bundle: FixtureBundle): Promise<HttpFixture> {
  const child = spawn(process.execPath, [bundle.path("http-main")], { stdio: ["pipe", "pipe", "inherit"] });
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
