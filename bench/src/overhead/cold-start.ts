import { spawnSync } from "node:child_process";
import type { ModuleUrl } from "./keel-bundle.js";
import { median } from "./measure.js";

/**
 * One measured import: in-process `await import()` wall time, the CPU time the import used (all
 * of the process's threads), and the whole `node` process's wall time. On a busy machine the
 * wall times include waiting for a CPU; the CPU time does not.
 */
export interface ColdStartRow {
  label: string;
  importMs: number;
  importCpuMs: number;
  processMs: number;
}

// The elapsed time is taken before touching process.stdout, whose first use costs milliseconds.
const PROBE = [
  "const cpu = process.cpuUsage();",
  "const started = performance.now();",
  "if (process.argv[1]) await import(process.argv[1]);",
  "const elapsed = performance.now() - started;",
  "const used = process.cpuUsage(cpu);",
  'process.stdout.write(elapsed + " " + (used.user + used.system) / 1000);',
].join("\n");

function importOnce(url: string): Omit<ColdStartRow, "label"> {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE, url], { encoding: "utf8" });
  const processMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`import of ${url} failed: ${child.stderr}`);
  const [importMs, importCpuMs] = child.stdout.split(" ").map(Number) as [number, number];
  return { importMs, importCpuMs, processMs };
}

/**
 * Cold-start cost of `import`ing `@keel/core` + `@keel/providers/openai` against `openai` alone, as
 * a user gets them: `moduleUrl` writes the importing modules into the project `installPacked`
 * made (the packed packages npm-installed with `openai`). Each import runs in fresh `node`
 * processes, alternating, `reps` times each. `extraMs` is the median paired difference in wall
 * time, `extraCpuMs` in CPU time.
 */
export async function coldStart(
  moduleUrl: ModuleUrl,
  reps: number,
): Promise<{ rows: ColdStartRow[]; extraMs: number; extraCpuMs: number }> {
  const targets = [
    { label: "node alone (no import)", url: "" },
    { label: "`openai`", url: moduleUrl("openai-only", 'import * as sdk from "openai";\nexport { sdk };') },
    {
      label: "`zod` alone (reference: core loads it only once a zod schema is used)",
      url: moduleUrl("zod-only", 'import * as zod from "zod";\nexport { zod };'),
    },
    {
      label: "`@keel/core` + `@keel/providers/openai` from the packed dist (loads `openai` too)",
      url: moduleUrl(
        "keel",
        'import * as core from "@keel/core";\nimport * as adapter from "@keel/providers/openai";\nexport { core, adapter };',
      ),
    },
  ];
  const keel = targets.length - 1;
  const samples = targets.map(() => ({
    importMs: [] as number[],
    importCpuMs: [] as number[],
    processMs: [] as number[],
  }));
  importOnce(targets[keel]!.url); // warm the file system cache
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, target] of targets.entries()) {
      const sample = importOnce(target.url);
      samples[index]!.importMs.push(sample.importMs);
      samples[index]!.importCpuMs.push(sample.importCpuMs);
      samples[index]!.processMs.push(sample.processMs);
    }
  }
  const rows = targets.map((target, index) => ({
    label: target.label,
    importMs: median(samples[index]!.importMs),
    importCpuMs: median(samples[index]!.importCpuMs),
    processMs: median(samples[index]!.processMs),
  }));
  // Paired by repetition (the two imports ran back to back), so load drift cancels out.
  const paired = (series: "importMs" | "importCpuMs") =>
    median(samples[keel]![series].map((ms, rep) => ms - samples[1]![series][rep]!));
  return { rows, extraMs: paired("importMs"), extraCpuMs: paired("importCpuMs") };
}
