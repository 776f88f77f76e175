import {
  type CheckpointStore,
  type EffectRecord,
  type FlowCheckpoint,
  matchesRunFilter,
  type RunFilter,
} from "@keel/core/flows";
import { RedisConnection, type RedisConnectionOptions } from "./redis-connection.js";

/** Options of `RedisCheckpointStore`. */
export interface RedisCheckpointStoreOptions extends RedisConnectionOptions {
  /** Default `keel:flow:`. */
  keyPrefix?: string;
}

/**
 * Keeps flow checkpoints and effect records in Redis (`ioredis`): one string per checkpoint, one
 * hash of effects per run, and a set of run ids. Writes are MULTI transactions. Surviving a Redis
 * restart needs AOF on the server (`appendonly yes`).
 */
export class RedisCheckpointStore implements CheckpointStore {
  readonly #redis: RedisConnection;

  constructor(options: RedisCheckpointStoreOptions) {
    this.#redis = new RedisConnection(options, "keel:flow:");
  }

  async save(checkpoint: FlowCheckpoint): Promise<void> {
    const k = this.#keys(checkpoint.runId);
    await this.#redis.run((r) =>
      r
        .multi()
        .set(k.checkpoint, JSON.stringify(checkpoint))
        .sadd(k.runs, checkpoint.runId)
        .exec()
        .then(check),
    );
  }

  async load(runId: string): Promise<FlowCheckpoint | undefined> {
    const raw = await this.#redis.run((r) => r.get(this.#keys(runId).checkpoint));
    return raw === null ? undefined : (JSON.parse(raw) as FlowCheckpoint);
  }

  async loadEffect(runId: string, key: string): Promise<EffectRecord | undefined> {
    const raw = await this.#redis.run((r) => r.hget(this.#keys(runId).effects, key));
    return raw === null ? undefined : (JSON.parse(raw) as EffectRecord);
  }

  async saveEffect(runId: string, key: string, value: unknown): Promise<void> {
    await this.#redis.run((r) => r.hset(this.#keys(runId).effects, key, JSON.stringify({ value })));
  }

  async delete(runId: string): Promise<void> {
    const k = this.#keys(runId);
    await this.#redis.run((r) =>
      r.multi().del(k.checkpoint, k.effects).srem(k.runs, runId).exec().then(check),
    );
  }

  async listRuns(filter: RunFilter = {}): Promise<string[]> {
    return this.#redis.run(async (r) => {
      const ids = (await r.smembers(this.#keys("").runs)).sort();
      if (ids.length === 0) return [];
      const raw = await r.mget(ids.map((id) => this.#keys(id).checkpoint));
      return ids.filter((_, i) => raw[i] != null && matchesRunFilter(JSON.parse(raw[i]!), filter));
    });
  }

  /** Quits the client if this store opened it. */
  async close(): Promise<void> {
    await this.#redis.close();
  }

  #keys(runId: string) {
    const id = encodeURIComponent(runId);
    const p = this.#redis.prefix;
    return { checkpoint: `${p}checkpoint:${id}`, effects: `${p}effects:${id}`, runs: `${p}runs` };
  }
}

/** A MULTI reply carries each command's error instead of rejecting; surface the first. */
function check(replies: Array<[Error | null, unknown]> | null): void {
  if (replies === null) throw new Error("Redis transaction was aborted");
  for (const [error] of replies) if (error) throw error;
}
