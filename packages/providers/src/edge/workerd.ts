/**
 * Runs an ES-module worker in the real Cloudflare Workers runtime (the `workerd` binary from npm),
 * on an ephemeral loopback port, with outbound fetch allowed to loopback addresses only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The workerd binary installed at the repository root, when there is one. */
export const WORKERD_BIN = fileURLToPath(new URL("../../../../node_modules/.bin/workerd", import.meta.url));

export const workerdInstalled = existsSync(WORKERD_BIN);

export interface WorkerdOptions {
  /** The worker's code: one ES module. */
  code: string;
  /** Text bindings, read by the worker as `env.NAME`. */
  bindings?: Record<string, string>;
  compatibilityDate: string;
  /** Empty unless a test needs one; no Node compatibility, to prove the code is web-standard. */
  compatibilityFlags?: string[];
}

export interface RunningWorker {
  /** "http://127.0.0.1:<port>" */
  url: string;
  /** What workerd printed on stderr so far (uncaught errors, failed outbound connections). */
  log(): string;
  stop(): Promise<void>;
}

/** Capnp text literals take the same escapes as JSON strings. */
const text = (value: string) => JSON.stringify(value);

function configOf(options: WorkerdOptions): string {
  const bindings = Object.entries(options.bindings ?? {})
    .map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`)
    .join(", ");
  const flags = (options.compatibilityFlags ?? []).map(text).join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The global fetch() goes to the service named "internet"; this one reaches loopback only.
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${text(options.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = [${bindings}],
);
`;
}

/**
 * Starts workerd on the worker and resolves once it listens. The port comes from workerd's control
 * channel (`--control-fd`), so there is no race for a free port.
 */
export async function startWorkerd(options: WorkerdOptions, startTimeoutMs = 10_000): Promise<RunningWorker> {
  const dir = await mkdtemp(join(tmpdir(), "keel-workerd-"));
  await writeFile(join(dir, "worker.js"), options.code);
  await writeFile(join(dir, "config.capnp"), configOf(options));
  const child = spawn(WORKERD_BIN, ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });

  const stop = async () => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await listenPort(child, startTimeoutMs, () => stderr);
    return { url: `http://127.0.0.1:${port}`, log: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits for workerd's `{"event":"listen","socket":"http","port":N}` control message. */
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
      for (const line of buffered.split("\n").slice(0, -1)) {
        const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (message.event === "listen" && message.socket === "http" && message.port) {
          clearTimeout(timer);
          child.removeListener("exit", exited);
          resolve(message.port);
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
  });
}

/** Terminates workerd and waits for it to exit (SIGKILL if it ignores SIGTERM for 2 s). */
function kill(child: ChildProcess): Promise<void> {
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
