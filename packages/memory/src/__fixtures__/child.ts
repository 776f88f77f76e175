import { type ChildProcess, spawn } from "node:child_process";

/** A started worker process with its stdout lines collected as they arrive. */
export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line that satisfies `test`. */
  waitFor(test: (line: string) => boolean): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stderr: () => string;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every child this test file started that is still running (for afterAll, after a timeout). */
export function killChildren(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** Starts `node <script> ...args` without the test runner's Node flags; its stdin is a pipe. */
export function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  running.add(child);
  child.on("exit", () => running.delete(child));
  const lines: string[] = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let partial = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters])
        if (w.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    process: child,
    lines,
    exited,
    stderr: () => err,
    waitFor: (test) => {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ test, resolve })),
        exited.then((code) => {
          throw new Error(
            `worker exited (${code}) before the expected line; last stdout: ${lines.slice(-10).join(" | ")}; stderr: ${err}`,
          );
        }),
      ]);
    },
  };
}

/** A small seeded PRNG (mulberry32), so a failing trial's kill times can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
