import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCheckpointStore } from "../flows/memory-checkpoint-store.js";
import { type CrashCtx, crashFlow } from "./__fixtures__/crash-flow.js";
import { SqliteCheckpointStore } from "./sqlite-checkpoint-store.js";

const TRIALS = 20;
const PARALLEL = 4;
const SEED = 20_240_601;

/** mulberry32: a small seeded generator, so every run of the test kills at the same points. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let work: string;
let child: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "keel-crash-"));
  child = join(work, "crash-flow.mjs");
  // Bundled once: starting tsx per child costs about a second of CPU, too much for 24 children.
  const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
  await build({
    entryPoints: [fileURLToPath(new URL("./__fixtures__/crash-flow-main.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@keel/source"],
    outfile: child,
    logLevel: "warning",
    plugins: [
      {
        name: "native-sqlite",
        setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })),
      },
    ],
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the child with pauses and SIGKILLs it at its `killAt`-th pause point. */
async function runUntilKilled(
  db: string,
  log: string,
  killAt: number,
): Promise<{ signal: string | null; seen: string[] }> {
  const proc: ChildProcess = spawn(
    process.execPath,
    [child, "--db", db, "--log", log, "--run", "run-1", "--pause"],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const seen: string[] = [];
  const lines = createInterface({ input: proc.stdout! });
  lines.on("line", (line) => {
    seen.push(line);
    if (seen.length === killAt) proc.kill("SIGKILL");
    else proc.stdin!.write("go\n");
  });
  const signal = await new Promise<string | null>((resolve) => proc.on("exit", (_, s) => resolve(s)));
  lines.close();
  return { signal, seen };
}

describe("crash and resume", () => {
  it(`ends like an uninterrupted run, with no side effect repeated, after a SIGKILL at ${TRIALS} seeded points`, async () => {
    const refLog = join(work, "reference.log");
    const pausePoints: string[] = [];
    const reference = await crashFlow(refLog, async (label) => void pausePoints.push(label)).run(
      { n: 1, trail: [] },
      {
        store: new MemoryCheckpointStore(),
        onCheckpoint: (c) => void pausePoints.push(`checkpoint ${c.step}`),
      },
    );
    const refEffects = (await readFile(refLog, "utf8")).split("\n").filter(Boolean).sort();
    expect(refEffects).toHaveLength(10);

    // Every pause point once, in seeded order, then seeded random points up to TRIALS.
    const random = seeded(SEED);
    const points = pausePoints.map((_, i) => i + 1).sort(() => random() - 0.5);
    while (points.length < TRIALS) points.push(1 + Math.floor(random() * pausePoints.length));

    const trial = async (t: number) => {
      const killAt = points[t]!;
      const db = join(work, `t${t}.db`);
      const log = join(work, `t${t}.log`);
      const { signal, seen } = await runUntilKilled(db, log, killAt);
      expect(signal, `trial ${t} should be killed at point ${killAt}`).toBe("SIGKILL");
      expect(seen).toHaveLength(killAt);

      const store = new SqliteCheckpointStore({ database: db });
      const resumed = await crashFlow(log, async () => {}).resume("run-1", { store });
      expect((await store.load("run-1"))?.status).toBe("completed");
      await store.close();
      const effects = (await readFile(log, "utf8")).split("\n").filter(Boolean).sort();
      return { killAt, context: resumed.context as CrashCtx, path: resumed.path, effects };
    };

    const outcomes: Awaited<ReturnType<typeof trial>>[] = [];
    for (let t = 0; t < TRIALS; t += PARALLEL)
      outcomes.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(PARALLEL, TRIALS - t) }, (_, i) => trial(t + i)),
        )),
      );

    for (const o of outcomes) {
      expect(o.context, `kill at ${o.killAt}`).toEqual(reference.context);
      expect(o.path, `kill at ${o.killAt}`).toEqual(reference.path);
      expect(o.effects, `kill at ${o.killAt}: each side effect exactly once`).toEqual(refEffects);
    }
    expect(new Set(outcomes.map((o) => o.killAt)).size).toBe(pausePoints.length);
  }, 60_000);
});
