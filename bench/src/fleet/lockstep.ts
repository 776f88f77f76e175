// Drives simulated replicas and the fleet client in lockstep on one simulated clock, so the
// figures do not depend on how busy this machine's CPU is: the replicas' engines run on a
// manual clock that only this driver moves, and every latency is read from the simulator's own
// timestamps. Between clock moves the driver lets the HTTP traffic settle, so the client's
// in-flight counts are current when it routes.
import { type SimReplica, startReplicas } from "@keel/gpu-client/simulator";

export interface Lockstep {
  replicas: SimReplica[];
  /** The simulated time, ms. */
  readonly now: number;
  /** Runs every replica up to `time` (ms), settling the traffic whenever a request finishes and running `onTick` on its schedule. */
  advanceTo(time: number): Promise<void>;
  /** Waits until the HTTP traffic in flight has been handled on both sides. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Starts `count` manual-clock replicas. `quiet(received, finished)` tells, from the requests the
 * replicas received and finished, when the client side has caught up (every finished stream read,
 * every request it sent received); `tickEveryMs` / `onTick` run the client's periodic work (metric
 * scrapes) on simulated time; `waiting()` says whether requests wait in the client's queue.
 */
export async function lockstep(
  count: number,
  blocks: number,
  quiet: (received: number, finished: number) => boolean,
  tickEveryMs: number,
  onTick: () => Promise<void>,
  waiting: () => boolean,
): Promise<Lockstep> {
  const replicas = await startReplicas(count, () => ({
    clock: "manual",
    numGpuBlocks: blocks,
    streamIntervalMs: 20,
  }));
  let now = 0;
  let nextTick = tickEveryMs;
  const received = () => replicas.reduce((n, r) => n + r.stats.requests, 0);
  const finished = () => replicas.reduce((n, r) => n + r.engine.counters.finishedLength, 0);

  async function settle(): Promise<void> {
    let last = "";
    let stable = 0;
    for (let i = 0; i < 20_000 && stable < 2; i++) {
      await tick();
      const state = `${received()}/${finished()}`;
      stable = state === last && quiet(received(), finished()) ? stable + 1 : 0;
      last = state;
    }
  }

  async function advanceTo(time: number): Promise<void> {
    for (;;) {
      const next = Math.min(...replicas.map((r) => r.engine.nextEventTime()), nextTick);
      if (next > time) break;
      const before = finished();
      for (const r of replicas) r.engine.advanceTo(next);
      now = Math.max(now, next);
      // A finished request frees room on the client: settle when requests wait for that room
      // (routing decisions settle before every arrival anyway).
      if (finished() !== before && waiting()) await settle();
      if (next >= nextTick) {
        nextTick += tickEveryMs;
        await onTick();
      }
    }
    for (const r of replicas) r.engine.advanceTo(time);
    now = Math.max(now, time);
  }

  return {
    replicas,
    get now() {
      return now;
    },
    advanceTo,
    settle,
    close: async () => {
      await Promise.all(replicas.map((r) => r.close()));
    },
  };
}
