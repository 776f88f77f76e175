/**
 * A fault to inject into a simulated replica:
 * - `crash`: the process dies: every open connection is reset, new connections are refused;
 * - `hang`: connections are accepted but nothing is answered, streams stall mid-way;
 * - `slow`: every step takes `factor` times longer;
 * - `unavailable`: 503 on `/health` and on every inference route (an engine that died), with
 *   `retryAfterS` as `Retry-After` when given;
 * - `starting`: `/health` answers 503 while the model "loads" and inference answers 503;
 * - `none`: healthy again (a crashed replica needs `restart()` instead).
 */
export type Fault =
  | { kind: "crash" }
  | { kind: "hang" }
  | { kind: "slow"; factor: number }
  | { kind: "unavailable"; retryAfterS?: number }
  | { kind: "starting" }
  | { kind: "none" };
