import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { DATASET, nightlyEval } from "./nightly-eval.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

it("runs two prompt variants on the wire test server, gates on the stored baseline, reports, and batches", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "keel-nightly-"));
  dirs.push(outDir);
  const lines: string[] = [];
  const first = await nightlyEval({ outDir, log: (l) => lines.push(l) });
  expect(lines[0]).toMatch(/^stored baseline support-bot-/);
  // Variant A is exact; variant B pads every answer and invents three.
  expect(first.baseline.summary.squad_f1?.mean).toBe(1);
  expect(first.run.summary.squad_f1!.mean).toBeLessThan(0.7);
  const f1 = first.comparison.metrics.find((m) => m.metric === "squad_f1")!;
  expect(f1).toMatchObject({ regression: true, failed: true, n: DATASET.length });
  const grounded = first.comparison.metrics.find((m) => m.metric === "groundedness")!;
  expect(grounded.current).toBeLessThan(grounded.baseline);
  expect(first.comparison.passed).toBe(false);
  expect(lines.at(-1)).toBe("gate: FAILED");
  // Latency and usage come from the real adapter's responses.
  expect(first.run.cases.every((c) => c.latencyMs !== undefined && (c.usage?.outputTokens ?? 0) > 0)).toBe(
    true,
  );
  const html = await readFile(first.report, "utf8");
  expect(html).toContain('data-verdict="failed"');
  expect(html).not.toMatch(/<script|https?:\/\//);
  // The batch path gives the same answers and scores as the live calls.
  expect(first.batchRun.config.batchId).toMatch(/^batch_/);
  expect(first.batchRun.cases.map((c) => c.output)).toEqual(first.run.cases.map((c) => c.output));
  expect(first.batchRun.summary).toEqual(first.run.summary);

  // The next night reuses the stored baseline.
  const second = await nightlyEval({ outDir, log: () => {} });
  expect(second.baseline.id).toBe(first.baseline.id);
  expect(existsSync(join(outDir, "baseline.json"))).toBe(true);
}, 60_000);
