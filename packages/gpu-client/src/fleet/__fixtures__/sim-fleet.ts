import { EventHub, type KeelEvent } from "@keel/core";
import { afterEach } from "vitest";
import type { ServerKind } from "../../server-kinds.js";
import { type ReplicaOptions, type SimReplica, startReplicas } from "../../simulator/replica-server.js";
import { createFleet, type Fleet, type FleetOptions } from "../fleet.js";

export const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
// Small, fast replicas: 40x real time, a 2,000-block cache so KV pressure shows quickly.
export const FAST: ReplicaOptions = { timeScale: 40, numGpuBlocks: 2000, requestOverheadMs: 5 };

export interface SimFleetOptions {
  /** One replica per entry, of that server kind (default: `count` replicas of the default kind). */
  kinds?: ServerKind[];
  count?: number;
  /** Merged over `FAST` for every replica (a function: per replica index). */
  replica?: ReplicaOptions | ((index: number) => ReplicaOptions);
  /**
   * Merged over the defaults (the model, one endpoint per replica, a private event hub); a
   * function gets the started replicas, for endpoints of its own.
   */
  fleet?: Partial<FleetOptions> | ((replicas: SimReplica[]) => Partial<FleetOptions>);
  /** Run `fleet.start()` (first health check and scrape) before returning. Default true. */
  start?: boolean;
}

/**
 * Started fleets over simulated replicas on loopback, every one closed after each test (however
 * many a test starts). The returned function starts one: the fleet, the events its hub saw and
 * its replicas.
 */
export function simFleets(): (
  options: SimFleetOptions,
) => Promise<{ fleet: Fleet; seen: KeelEvent[]; replicas: SimReplica[] }> {
  const replicas: SimReplica[] = [];
  const fleets: Fleet[] = [];
  afterEach(async () => {
    for (const fleet of fleets.splice(0)) fleet.close();
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
  });
  return async ({
    kinds,
    count = kinds?.length ?? 1,
    replica = {},
    fleet: fleetOptions = {},
    start = true,
  }) => {
    const optionsOf = typeof replica === "function" ? replica : () => replica;
    const started = await startReplicas(count, (index) => ({ ...FAST, ...optionsOf(index) }));
    replicas.push(...started);
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((event) => seen.push(event));
    const fleet = createFleet({
      model: MODEL,
      endpoints: started.map((r, i) => ({ url: r.url, id: `r${i}`, ...(kinds ? { kind: kinds[i]! } : {}) })),
      events: hub,
      healthTimeoutMs: 5000,
      ...(typeof fleetOptions === "function" ? fleetOptions(started) : fleetOptions),
    });
    fleets.push(fleet);
    if (start) await fleet.start();
    return { fleet, seen, replicas: started };
  };
}
