import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The workerd binary (the `workerd` npm package) at the repository root. */
export const WORKERD_BIN = fileURLToPath(new URL("../../../node_modules/.bin/workerd", import.meta.url));

export interface RunningWorker {
  /** "http://127.0.0.1:<port>" */
  url: string;
  /** What workerd printed on stderr (uncaught errors, refused connections). */
  log(): string;
  stop(): Promise<void>;
}

// No compatibility flags: no Node compatibility, so only web-standard code runs. Outbound fetch
// reaches loopback only.
const config = (
  bindings: Record<string, string>,
  compatibilityDate: string,
) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${JSON.stringify(compatibilityDate)},
  bindings = [${Object.entries(bindings)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(", ")}],
);
`;

/** Starts the real Workers runtime on one ES module; resolves once it listens (port from its control channel). */
export async function startWorkerd(
  code: string,
  bindings: Record<string, string>,
  compatibilityDate = "2025-09-01",
): Promise<RunningWorker> {
  if (!existsSync(WORKERD_BIN))
    throw new Error(
      `workerd is not installed (${WORKERD_BIN}); run the full install: npm test or node scripts/setup.mjs`,
    );
  const dir = await mkdtemp(join(tmpdir(), "keel-edge-worker-"));
  await writeFile(join(dir, "worker.js"), code);
  await writeFile(join(dir, "config.capnp"), config(bindings, compatibilityDate));
  const child = spawn(WORKERD_BIN, ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const stop = async () => {
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await listenPort(child, 20_000, () => stderr);
    return { url: `http://127.0.0.1:${port}`, log: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listenPort(child: ChildProcess, timeoutMs: number, log: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`workerd did not start: ${why}\n${log()}`));
    };
    const exited = (code: number | null, signal: string | null) => fail(`exited with ${signal ?? code}`);
    const timer = setTimeout(() => fail(`no listen event in ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(error.message));
    child.once("exit", exited);
    const control = child.stdio[3] as NodeJS.ReadableStream;
    control.setEncoding("utf8");
    control.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (message.event === "listen" && message.socket === "http" && message.port) {
          clearTimeout(timer);
          child.removeListener("exit", exited);
          resolve(message.port);
        }
      }
    });
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 2_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
