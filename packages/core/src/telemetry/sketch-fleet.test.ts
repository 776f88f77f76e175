import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleChild } from "../node/__fixtures__/bundle-child.js";
import { QuantileSketch, type SketchData } from "./quantile-sketch.js";
import { SKETCH_ACCURACY, summarizeSketch } from "./windowed-histogram.js";

const run = promisify(execFile);
let work: string;
let child: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "keel-sketch-fleet-"));
  child = join(work, "sketch-replica.mjs");
  await bundleChild(new URL("./__fixtures__/sketch-replica.ts", import.meta.url), child);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The value at rank ⌊q·(n−1)⌋ of the sorted samples: what the sketch approximates. */
const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

describe("windowed histograms over a fleet of processes", () => {
  it("merge into quantiles within the sketch's accuracy of the quantiles of all samples", async () => {
    const replicas = await Promise.all(
      [1, 2, 3, 4].map(async (seed) => {
        const { stdout } = await run(process.execPath, [child, String(seed), "20000"]);
        return JSON.parse(stdout) as { sketch: SketchData; samples: number[] };
      }),
    );
    const fleet = new QuantileSketch(SKETCH_ACCURACY);
    for (const replica of replicas) fleet.merge(QuantileSketch.fromJSON(replica.sketch));
    const all = replicas.flatMap((r) => r.samples).sort((x, y) => x - y);
    const summary = summarizeSketch(fleet);
    expect(summary.count).toBe(80_000);
    for (const [q, got] of [
      [0.5, summary.p50],
      [0.95, summary.p95],
      [0.99, summary.p99],
      [0.999, summary.quantile(0.999)],
    ] as const) {
      const want = exact(all, q);
      expect(Math.abs(got! - want)).toBeLessThanOrEqual(SKETCH_ACCURACY * want);
    }
    // Averaging the replicas' own P99s, the usual shortcut, is far off on this fleet.
    const own = replicas.map((r) =>
      exact(
        [...r.samples].sort((x, y) => x - y),
        0.99,
      ),
    );
    const averaged = own.reduce((x, y) => x + y, 0) / own.length;
    expect(Math.abs(averaged - exact(all, 0.99)) / exact(all, 0.99)).toBeGreaterThan(0.1);
  });
});
