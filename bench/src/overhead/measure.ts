import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** CPU (user + system) and wall time of one measured block, in ms. */
export interface Sample {
  cpuMs: number;
  wallMs: number;
}

// A full GC before each block, outside the measurement, so no block pays for another's garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Runs `op` `count` times, `concurrency` at a time, and returns the client process's CPU and wall time. */
export async function measure(op: () => Promise<void>, count: number, concurrency: number): Promise<Sample> {
  gc();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await op();
    }
  };
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
