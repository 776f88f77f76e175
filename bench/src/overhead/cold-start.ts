import { spawnSync } from "node:child_process";
import { bundle } from "./keel-bundle.js";
import { median } from "./measure.js";

/** One measured import: in-process `await import()` time and the whole `node` process's wall time. */
export interface ColdStartRow {
  label: string;
  importMs: number;
  processMs: number;
}

// The elapsed time is taken before touching process.stdout, whose first use costs milliseconds.
const PROBE = [
  "const started = performance.now();",
  "if (process.argv[1]) await import(process.argv[1]);",
  "const elapsed = performance.now() - started;",
  "process.stdout.write(String(elapsed));",
].join("\n");

function importOnce(url: string): { importMs: number; processMs: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE, url], { encoding: "utf8" });
  const processMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`import of ${url} failed: ${child.stderr}`);
  return { importMs: Number(child.stdout), processMs };
}

/**
 * Cold-start cost of `import`ing `@keel/core` + `@keel/providers/openai` against `openai` alone:
 * each is bundled (Keel's sources only; dependencies stay in node_modules), then imported in
 * fresh `node` processes, alternating, `reps` times each. `extraMs` is the median difference.
 */
export async function coldStart(
  dir: string,
  reps: number,
): Promise<{ rows: ColdStartRow[]; extraMs: number }> {
  const targets = [
    { label: "node alone (no import)", url: "" },
    {
      label: "`openai`",
      // Resolved from @keel/providers, where `openai` is installed (the bench does not depend on it).
      url: await bundle(dir, "openai-only", 'import * as sdk from "openai";\nexport { sdk };', "providers"),
    },
    {
      label: "`zod` alone (reference: core loads it only once a zod schema is used)",
      url: await bundle(dir, "zod-only", 'import * as zod from "zod";\nexport { zod };', "core"),
    },
    {
      label: "`@keel/core` + `@keel/providers/openai` (loads `openai` too)",
      url: await bundle(
        dir,
        "keel",
        'import * as core from "@keel/core";\nimport * as adapter from "@keel/providers/openai";\nexport { core, adapter };',
      ),
    },
  ];
  const keel = targets.length - 1;
  const samples = targets.map(() => ({ importMs: [] as number[], processMs: [] as number[] }));
  importOnce(targets[keel]!.url); // warm the file system cache
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, target] of targets.entries()) {
      const sample = importOnce(target.url);
      samples[index]!.importMs.push(sample.importMs);
      samples[index]!.processMs.push(sample.processMs);
    }
  }
  const rows = targets.map((target, index) => ({
    label: target.label,
    importMs: median(samples[index]!.importMs),
    processMs: median(samples[index]!.processMs),
  }));
  // Paired by repetition (the two imports ran back to back), so load drift cancels out.
  const paired = samples[keel]!.importMs.map((ms, rep) => ms - samples[1]!.importMs[rep]!);
  return { rows, extraMs: median(paired) };
}
