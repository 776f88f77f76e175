import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/**
 * A throwaway `redis-server` of a test's own (never the shared one), without persistence, that
 * the test may stop, freeze and start again on the same port.
 */
export class OwnRedisServer {
  #process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedisServer> {
    const server = new OwnRedisServer(await freePort());
    await server.start();
    return server;
  }

  /** Starts the server on its port and resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#process = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          child.stdout!.off("data", onData);
          child.stdout!.resume();
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.resume();
      child.once("error", (error) =>
        reject(new Error(`cannot start redis-server (is it installed?): ${error.message}`)),
      );
      child.once("exit", (code) =>
        reject(new Error(`redis-server on port ${this.port} exited with ${code}:\n${output}`)),
      );
    });
  }

  /** Stops the server (its data is gone) and waits until the process has exited. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGCONT");
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** Freezes the process: connections stay open but nothing is answered. */
  freeze(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** Lets a frozen server answer again. */
  thaw(): void {
    this.#process?.kill("SIGCONT");
  }
}
