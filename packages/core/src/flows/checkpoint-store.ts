import { CheckpointCorruptError, type FlowFailureReason } from "./flow-errors.js";

/** `running` runs can be resumed; `failed` runs resume by re-running the failed state. */
export type FlowRunStatus = "running" | "completed" | "failed";

/** A step failure, as stored. */
export interface StepFailure {
  state: string;
  stepId: string;
  code: string;
  message: string;
}

/** Everything needed to continue a run: saved after every step. All fields are JSON values. */
export interface FlowCheckpoint {
  runId: string;
  flowId: string;
  status: FlowRunStatus;
  /** The state to run next; for a completed run the terminal state; for a failed run the state that failed. */
  state: string;
  context: unknown;
  /** Steps completed. */
  step: number;
  /** States run so far, in order. */
  path: string[];
  /** Failed checks per evaluation state, for their retry bound. */
  checkFailures: Record<string, number>;
  /** Why `state` was entered through a fallback, when it was. */
  fallbackError?: StepFailure;
  /** Why the run failed, when it did. */
  failure?: StepFailure & { reason: FlowFailureReason };
  tenant?: string;
  /** Milliseconds since epoch. */
  updatedAt: number;
}

/** A recorded side-effect result; `value` is what `io.once` returned. */
export interface EffectRecord {
  value: unknown;
}

/**
 * Where flow runs persist. Implementations must make each call durable before it resolves and
 * store values as JSON (a loaded value equals `JSON.parse(JSON.stringify(saved))`).
 */
export interface CheckpointStore {
  /** Replaces the run's checkpoint. */
  save(checkpoint: FlowCheckpoint): Promise<void>;
  /** The run's latest checkpoint, or undefined for an unknown run. */
  load(runId: string): Promise<FlowCheckpoint | undefined>;
  /** The recorded result of a side effect, or undefined when it has not completed. */
  loadEffect(runId: string, key: string): Promise<EffectRecord | undefined>;
  /** Records a side effect's result. */
  saveEffect(runId: string, key: string, value: unknown): Promise<void>;
  /** Forgets a run: its checkpoint and effects. */
  delete(runId: string): Promise<void>;
  /** Ids of stored runs, e.g. the `running` ones to resume after a restart. Optional. */
  listRuns?(filter?: RunFilter): Promise<string[]>;
}

/** Narrows `listRuns`. */
export interface RunFilter {
  flowId?: string;
  status?: FlowRunStatus;
}

/** True when a checkpoint matches a run filter. */
export function matchesRunFilter(checkpoint: FlowCheckpoint, filter: RunFilter = {}): boolean {
  return (
    (filter.flowId === undefined || checkpoint.flowId === filter.flowId) &&
    (filter.status === undefined || checkpoint.status === filter.status)
  );
}

/** The JSON form of a value, as a store gives it back. */
export function jsonRoundTrip<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const STATUSES: ReadonlySet<unknown> = new Set(["running", "completed", "failed"]);

/**
 * Checks that a loaded value is a checkpoint of `runId`, with every field a run needs and of its
 * type, and returns it; otherwise throws a `CheckpointCorruptError` naming the run and the field.
 * The runner checks what a store returns with it; a store may check what it reads.
 */
export function checkCheckpoint(value: unknown, runId: string): FlowCheckpoint {
  const fail = (problem: string): never => {
    throw new CheckpointCorruptError(runId, problem);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail(
      `expected an object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  const c = value as Record<string, unknown>;
  if (c.runId !== runId) fail(`its runId is ${JSON.stringify(c.runId)}`);
  if (typeof c.flowId !== "string" || c.flowId === "") fail("flowId is missing or not a string");
  if (!STATUSES.has(c.status))
    fail(`status is ${JSON.stringify(c.status)}, not running, completed or failed`);
  if (typeof c.state !== "string") fail("state is missing or not a string");
  if (typeof c.step !== "number" || !Number.isInteger(c.step) || c.step < 0)
    fail(`step is ${JSON.stringify(c.step)}, not a whole number of 0 or more`);
  if (!Array.isArray(c.path) || !c.path.every((s) => typeof s === "string"))
    fail("path is missing or not a list of state names");
  if (
    typeof c.checkFailures !== "object" ||
    c.checkFailures === null ||
    !Object.values(c.checkFailures).every((n) => typeof n === "number")
  )
    fail("checkFailures is missing or not an object of counts");
  if (typeof c.updatedAt !== "number" || !Number.isFinite(c.updatedAt))
    fail("updatedAt is missing or not a number");
  if (c.tenant !== undefined && typeof c.tenant !== "string") fail("tenant is not a string");
  for (const key of ["failure", "fallbackError"] as const) {
    const failure = c[key];
    if (failure === undefined) continue;
    const f = failure as Record<string, unknown> | null;
    if (
      typeof f !== "object" ||
      f === null ||
      typeof f.state !== "string" ||
      typeof f.stepId !== "string" ||
      typeof f.code !== "string" ||
      typeof f.message !== "string"
    )
      fail(`${key} is not a step failure (state, stepId, code, message)`);
  }
  return c as unknown as FlowCheckpoint;
}

/**
 * A run's checkpoint from `store`, checked (`checkCheckpoint`); undefined for an unknown run. A
 * store that cannot parse what it stored (a `SyntaxError`: a truncated or damaged file or row) or
 * whose SQLite file is damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`) gives a `CheckpointCorruptError`
 * naming the run, with the store's error as `cause`.
 */
export async function loadCheckpoint(
  store: CheckpointStore,
  runId: string,
): Promise<FlowCheckpoint | undefined> {
  let value: unknown;
  try {
    value = await store.load(runId);
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new CheckpointCorruptError(runId, `it is not valid JSON (${error.message})`, { cause: error });
    // better-sqlite3 (and node:sqlite) name a damaged or truncated database file by these codes.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB)/.test(code))
      throw new CheckpointCorruptError(
        runId,
        `its SQLite database is damaged (${code}: ${(error as Error).message})`,
        { cause: error },
      );
    throw error;
  }
  return value === undefined || value === null ? undefined : checkCheckpoint(value, runId);
}
