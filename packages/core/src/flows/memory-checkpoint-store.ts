import {
  type CheckpointStore,
  type EffectRecord,
  type FlowCheckpoint,
  matchesRunFilter,
  type RunFilter,
} from "./checkpoint-store.js";

/**
 * Keeps checkpoints in memory, serialized as JSON so values behave as in a durable store.
 * Survives nothing: use it for tests and for runs that need no resume.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, string>();
  readonly #effects = new Map<string, Map<string, string>>();

  async save(checkpoint: FlowCheckpoint): Promise<void> {
    this.#checkpoints.set(checkpoint.runId, JSON.stringify(checkpoint));
  }

  async load(runId: string): Promise<FlowCheckpoint | undefined> {
    const json = this.#checkpoints.get(runId);
    return json === undefined ? undefined : (JSON.parse(json) as FlowCheckpoint);
  }

  async loadEffect(runId: string, key: string): Promise<EffectRecord | undefined> {
    const json = this.#effects.get(runId)?.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as EffectRecord);
  }

  async saveEffect(runId: string, key: string, value: unknown): Promise<void> {
    const effects = this.#effects.get(runId) ?? new Map<string, string>();
    effects.set(key, JSON.stringify({ value }));
    this.#effects.set(runId, effects);
  }

  async delete(runId: string): Promise<void> {
    this.#checkpoints.delete(runId);
    this.#effects.delete(runId);
  }

  async listRuns(filter?: RunFilter): Promise<string[]> {
    return [...this.#checkpoints.values()]
      .map((json) => JSON.parse(json) as FlowCheckpoint)
      .filter((c) => matchesRunFilter(c, filter))
      .map((c) => c.runId);
  }
}
