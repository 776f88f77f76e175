// Checkpoints that cannot be read back (a truncated file, a file missing a field) fail a resume
// with a CheckpointCorruptError naming the run, through the real file store.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidRequestError, KeelError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { FileCheckpointStore } from "../node/file-checkpoint-store.js";
import { checkCheckpoint, type FlowCheckpoint, loadCheckpoint } from "./checkpoint-store.js";
import { defineFlow } from "./define-flow.js";
import { CheckpointCorruptError, FlowRunError } from "./flow-errors.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

type Ctx = { n: number };

/** a → b → done, where b fails the first `failures` times it runs. */
function flow(failures = 1) {
  let left = failures;
  return defineFlow({
    id: "orders",
    context: flowContext<Ctx>(),
    initial: "a",
    states: {
      a: { run: (ctx: Ctx) => ({ n: ctx.n + 1 }), next: "b" },
      b: {
        run: (ctx: Ctx) => {
          if (left-- > 0) throw new Error("payment service down");
          return { n: ctx.n + 10 };
        },
        next: "done",
      },
      done: { terminal: true },
    },
  });
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "keel-corrupt-"));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

/** Runs the flow into its failure at b, leaving a resumable checkpoint in the file store. */
async function failedRun(runId: string) {
  const store = new FileCheckpointStore({ directory, durable: false });
  await expect(flow().run({ n: 0 }, { store, runId })).rejects.toBeInstanceOf(FlowRunError);
  return { store, file: join(directory, `${runId}.json`) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("corrupt checkpoints", () => {
  it("a truncated checkpoint file fails resume and a new run with its id with CheckpointCorruptError naming the run", async () => {
    const { store, file } = await failedRun("order-7");
    const bytes = await readFile(file, "utf8");
    await writeFile(file, bytes.slice(0, Math.floor(bytes.length / 2)));
    const error = await rejection(flow(0).resume("order-7", { store }));
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect(error).toBeInstanceOf(KeelError);
    expect(error).toMatchObject({ code: "checkpoint-corrupt", runId: "order-7", retryable: false });
    expect((error as Error).name).toBe("CheckpointCorruptError");
    expect((error as Error).message).toMatch(/run "order-7".*not valid JSON/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    await expect(flow(0).run({ n: 0 }, { store, runId: "order-7" })).rejects.toBeInstanceOf(
      CheckpointCorruptError,
    );
  });

  it("a checkpoint missing its step is corrupt, not a step failure at b@NaN", async () => {
    const { store, file } = await failedRun("order-8");
    const stored = JSON.parse(await readFile(file, "utf8")) as { checkpoint: Partial<FlowCheckpoint> };
    delete stored.checkpoint.step;
    await writeFile(file, JSON.stringify(stored));
    const error = await rejection(flow(0).resume("order-8", { store }));
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as Error).message).toBe(
      'the checkpoint of run "order-8" is corrupt: step is undefined, not a whole number of 0 or more',
    );
  });

  it("a damaged SQLite database under a store fails resume with CheckpointCorruptError, the SqliteError as cause", async () => {
    // A store over better-sqlite3 reading a database file cut in half, as a full disk or a copy
    // taken mid-write leaves it.
    const Database = (await import("better-sqlite3")).default;
    const file = join(directory, "runs.db");
    const db = new Database(file);
    db.exec("CREATE TABLE checkpoints (run_id TEXT PRIMARY KEY, data TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO checkpoints VALUES (?, ?)");
    for (let i = 0; i < 200; i++) insert.run(`run-${i}`, JSON.stringify({ pad: "x".repeat(500) }));
    db.close();
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const store = new MemoryCheckpointStore();
    store.load = async (runId) => {
      const damaged = new Database(file, { fileMustExist: true });
      try {
        const row = damaged.prepare("SELECT data FROM checkpoints WHERE run_id = ?").get(runId) as
          | { data: string }
          | undefined;
        return row && (JSON.parse(row.data) as FlowCheckpoint);
      } finally {
        damaged.close();
      }
    };
    const error = await rejection(flow(0).resume("run-150", { store }));
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as Error).message).toMatch(/run "run-150".*SQLite database is damaged \(SQLITE_CORRUPT/);
    expect((error as Error).cause).toMatchObject({
      name: "SqliteError",
      code: expect.stringMatching(/^SQLITE_CORRUPT/),
    });
  });

  it("a sound checkpoint still resumes, and what the file store reads back passes the check", async () => {
    const { store } = await failedRun("order-9");
    const loaded = await loadCheckpoint(store, "order-9");
    expect(loaded).toMatchObject({ runId: "order-9", status: "failed", state: "b", step: 1 });
    const result = await flow(0).resume("order-9", { store });
    expect(result).toMatchObject({ context: { n: 11 }, state: "done", resumed: true });
    expect(await loadCheckpoint(store, "nobody")).toBeUndefined();
  });
});

describe("checkCheckpoint", () => {
  const sound: FlowCheckpoint = {
    runId: "r",
    flowId: "f",
    status: "running",
    state: "a",
    context: { n: 1 },
    step: 0,
    path: [],
    checkFailures: {},
    updatedAt: 1,
  };

  it("returns a sound checkpoint as it is", () => {
    expect(checkCheckpoint(sound, "r")).toBe(sound);
    const failed = {
      ...sound,
      status: "failed",
      failure: { state: "a", stepId: "a@0", code: "unknown", message: "x", reason: "step-failed" },
    };
    expect(checkCheckpoint(failed, "r")).toBe(failed);
  });

  it.each([
    ["not an object", "[]", /expected an object, got an array/],
    ["another run's checkpoint", { ...sound, runId: "s" }, /its runId is "s"/],
    ["no flowId", { ...sound, flowId: undefined }, /flowId is missing/],
    ["an unknown status", { ...sound, status: "paused" }, /status is "paused"/],
    ["a state that is not a string", { ...sound, state: 3 }, /state is missing/],
    ["a negative step", { ...sound, step: -1 }, /step is -1/],
    ["a fractional step", { ...sound, step: 1.5 }, /step is 1.5/],
    ["a path with a number", { ...sound, path: ["a", 2] }, /path is missing/],
    ["no checkFailures", { ...sound, checkFailures: null }, /checkFailures is missing/],
    ["no updatedAt", { ...sound, updatedAt: "yesterday" }, /updatedAt is missing/],
    ["a numeric tenant", { ...sound, tenant: 7 }, /tenant is not a string/],
    [
      "a failure without a message",
      { ...sound, failure: { state: "a", stepId: "a@0", code: "x" } },
      /failure is not a step failure/,
    ],
  ])("refuses %s, naming the run", (_, value, message) => {
    const parsed = value === "[]" ? [] : value;
    expect(() => checkCheckpoint(parsed, "r")).toThrow(CheckpointCorruptError);
    expect(() => checkCheckpoint(parsed, "r")).toThrow(message);
    expect(() => checkCheckpoint(parsed, "r")).toThrow(/run "r"/);
  });

  it("passes other errors of a store through", async () => {
    const store = new MemoryCheckpointStore();
    const boom = new Error("disk full");
    store.load = () => Promise.reject(boom);
    await expect(loadCheckpoint(store, "r")).rejects.toBe(boom);
  });
});

describe("flow.resumeAll (the sweep after a restart)", () => {
  /** A run that crashed after step a: the checkpoint the runner saved then. */
  const crashed = (runId: string, flowId = "orders"): FlowCheckpoint => ({
    runId,
    flowId,
    status: "running",
    state: "b",
    context: { n: 1 },
    step: 1,
    path: ["a"],
    checkFailures: {},
    updatedAt: Date.now(),
  });

  it("resumes every running run of the flow, skipping a corrupt checkpoint with an event", async () => {
    const store = new FileCheckpointStore({ directory, durable: false });
    for (const runId of ["r1", "r2", "r3"]) await store.save(crashed(runId));
    await store.save(crashed("other-flow", "invoices"));
    const broken = join(directory, "r2.json");
    const stored = JSON.parse(await readFile(broken, "utf8")) as { checkpoint: Partial<FlowCheckpoint> };
    delete stored.checkpoint.path;
    await writeFile(broken, JSON.stringify(stored));
    await failedRun("failed-run"); // failed for good: not the sweep's to retry

    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((event) => seen.push(event));
    const result = await flow(0).resumeAll({ store, events: hub });

    expect(result.completed.map((r) => [r.runId, r.state, r.context.n]).sort()).toEqual([
      ["r1", "done", 11],
      ["r3", "done", 11],
    ]);
    expect(result.failed).toEqual([]);
    expect(result.corrupt.map((e) => e.runId)).toEqual(["r2"]);
    const corrupt = seen.filter((e) => e.type === "flow.checkpoint.corrupt");
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toMatchObject({
      context: { flowId: "orders", runId: "r2" },
      message: 'the checkpoint of run "r2" is corrupt: path is missing or not a list of state names',
      error: result.corrupt[0],
    });
    expect((await store.load("other-flow"))?.status).toBe("running");
    expect((await store.load("failed-run"))?.status).toBe("failed");
  });

  it("sweeps a file store holding a truncated file: the others resume, the truncated run is reported", async () => {
    const store = new FileCheckpointStore({ directory, durable: false });
    for (const runId of ["r1", "r2"]) await store.save(crashed(runId));
    const truncated = join(directory, "r2.json");
    const bytes = await readFile(truncated, "utf8");
    await writeFile(truncated, bytes.slice(0, 20));
    // A truncated file's status is unknown: the store lists it whatever the filter, never throws.
    expect((await store.listRuns({ status: "completed" })).sort()).toEqual(["r2"]);
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((event) => seen.push(event));
    const result = await flow(0).resumeAll({ store, events: hub });
    expect(result.completed.map((r) => r.runId)).toEqual(["r1"]);
    expect(result.corrupt.map((e) => e.runId)).toEqual(["r2"]);
    expect(result.corrupt[0]!.message).toMatch(/run "r2".*not valid JSON/);
    expect(result.corrupt[0]!.cause).toBeInstanceOf(SyntaxError);
    expect(seen.filter((e) => e.type === "flow.checkpoint.corrupt")).toHaveLength(1);
  });

  it("a file that is JSON but not a run record is corrupt too", async () => {
    const store = new FileCheckpointStore({ directory, durable: false });
    await writeFile(join(directory, "r9.json"), "[1, 2]");
    await expect(store.load("r9")).rejects.toMatchObject({ code: "checkpoint-corrupt", runId: "r9" });
    expect(await store.listRuns()).toEqual(["r9"]);
  });

  it("lists a run that fails again under failed and goes on", async () => {
    const store = new MemoryCheckpointStore();
    await store.save(crashed("r1"));
    await store.save(crashed("r2"));
    const result = await flow(1).resumeAll({ store, events: new EventHub() });
    expect(result.failed.map((f) => f.runId)).toEqual(["r1"]);
    expect(result.failed[0]!.error).toBeInstanceOf(FlowRunError);
    expect(result.completed.map((r) => r.runId)).toEqual(["r2"]);
  });

  it("needs a store that lists its runs", async () => {
    const store = new MemoryCheckpointStore();
    const bare = {
      save: store.save,
      load: store.load,
      loadEffect: store.loadEffect,
      saveEffect: store.saveEffect,
      delete: store.delete,
    };
    await expect(flow().resumeAll({ store: bare })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
