import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  type CheckpointStore,
  type EffectRecord,
  type FlowCheckpoint,
  matchesRunFilter,
  type RunFilter,
} from "../flows/checkpoint-store.js";
import { CheckpointCorruptError } from "../flows/flow-errors.js";

/** Options of `FileCheckpointStore`. */
export interface FileCheckpointStoreOptions {
  /** Created if missing; one JSON file per run. */
  directory: string;
  /** fsync each write before it resolves, so a power loss cannot lose it. Default true. */
  durable?: boolean;
}

interface RunFile {
  checkpoint?: FlowCheckpoint;
  effects: Record<string, { value?: unknown }>;
}

/**
 * Keeps each run in one JSON file, replaced atomically (write a temp file, fsync, rename) so
 * a crash leaves either the old or the new version. Writes of one run are serialized in this
 * process; do not share a run between processes.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly #directory: string;
  readonly #durable: boolean;
  readonly #queues = new Map<string, Promise<unknown>>();
  #ready: Promise<unknown> | undefined;
  #temp = 0;

  constructor(options: FileCheckpointStoreOptions) {
    this.#directory = options.directory;
    this.#durable = options.durable ?? true;
  }

  async save(checkpoint: FlowCheckpoint): Promise<void> {
    await this.#update(checkpoint.runId, (file) => ({ ...file, checkpoint }));
  }

  async load(runId: string): Promise<FlowCheckpoint | undefined> {
    return (await this.#serial(runId, () => this.#read(runId)))?.checkpoint;
  }

  async loadEffect(runId: string, key: string): Promise<EffectRecord | undefined> {
    const file = await this.#serial(runId, () => this.#read(runId));
    const record = file?.effects[key];
    return record === undefined ? undefined : { value: record.value };
  }

  async saveEffect(runId: string, key: string, value: unknown): Promise<void> {
    await this.#update(runId, (file) => ({ ...file, effects: { ...file.effects, [key]: { value } } }));
  }

  async delete(runId: string): Promise<void> {
    await this.#serial(runId, () => rm(this.#path(runId), { force: true }));
  }

  /**
   * Ids of the runs that match `filter`, plus, whatever the filter, every run whose file cannot be
   * read as a checkpoint: its status is unknown, and leaving it out would hide it. Loading such a
   * run throws `CheckpointCorruptError`; `flow.resumeAll` reports it with an event and goes on.
   */
  async listRuns(filter?: RunFilter): Promise<string[]> {
    await this.#mkdir();
    const names = (await readdir(this.#directory)).filter((n) => n.endsWith(".json"));
    const ids: string[] = [];
    for (const name of names) {
      const runId = decodeURIComponent(name.slice(0, -".json".length));
      try {
        const checkpoint = await this.load(runId);
        if (checkpoint && matchesRunFilter(checkpoint, filter)) ids.push(runId);
      } catch (error) {
        if (!(error instanceof CheckpointCorruptError)) throw error;
        ids.push(runId);
      }
    }
    return ids;
  }

  #path(runId: string): string {
    // Encoded so that any run id is one plain file name inside the directory.
    return join(this.#directory, `${encodeURIComponent(runId).replace(/\./g, "%2E")}.json`);
  }

  #mkdir(): Promise<unknown> {
    this.#ready ??= mkdir(this.#directory, { recursive: true });
    return this.#ready;
  }

  async #read(runId: string): Promise<RunFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(runId), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let file: unknown;
    try {
      file = JSON.parse(text);
    } catch (error) {
      // Writes are atomic, so this is damage from outside (a truncated copy, a hand edit, a disk).
      throw new CheckpointCorruptError(runId, `it is not valid JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
    if (typeof file !== "object" || file === null || typeof (file as RunFile).effects !== "object")
      throw new CheckpointCorruptError(runId, "its file is not a run record (no effects object)");
    return file as RunFile;
  }

  #update(runId: string, change: (file: RunFile) => RunFile): Promise<void> {
    return this.#serial(runId, async () => {
      await this.#mkdir();
      const next = change((await this.#read(runId)) ?? { effects: {} });
      const target = this.#path(runId);
      const temp = `${target}.${process.pid}.${this.#temp++}.tmp`;
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(JSON.stringify(next));
        if (this.#durable) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    });
  }

  /** Runs operations on one run one at a time, in call order. */
  #serial<T>(runId: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(runId) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.catch(() => {});
    this.#queues.set(runId, tail);
    void tail.then(() => {
      if (this.#queues.get(runId) === tail) this.#queues.delete(runId);
    });
    return result;
  }
}
