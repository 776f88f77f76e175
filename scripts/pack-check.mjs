#!/usr/bin/env node
// The packages as a user installs them. For every package in packages/: build (scripts/build.mjs),
// `pnpm pack`, inspect the tarball (manifest, files), publint, Are the Types Wrong; then install all
// tarballs with npm into a project outside the workspace, import every entry, type-check a strict
// app under nodenext and bundler resolution, and run it against the wire test server.
// Prints one block per package saying what failed; exits 1 if any package failed.
//
//   node scripts/pack-check.mjs [--no-build] [--keep <dir>] [core providers ...]   (default: every package)
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPackage } from "./build.mjs";
import { inspectTarball } from "./pack/inspect-tarball.mjs";
import { installTest, NOTES } from "./pack/install-test.mjs";
import { attwProblems, publintProblems } from "./pack/lint-tarball.mjs";
import { pnpmPack } from "./pack/pnpm-pack.mjs";
import { selectPackages } from "./pack/workspace.mjs";

const args = process.argv.slice(2);
const skipBuild = args.includes("--no-build");
const started = performance.now();
const log = (line) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const keepIndex = args.indexOf("--keep");
const keepAt = keepIndex >= 0 ? args[keepIndex + 1] : undefined;
const only = args.filter((arg, i) => !arg.startsWith("--") && !(keepIndex >= 0 && i === keepIndex + 1));
const packages = selectPackages(only);
const tarballs = keepAt ?? mkdtempSync(join(tmpdir(), "keel-tarballs-"));
mkdirSync(tarballs, { recursive: true });
const report = new Map(packages.map((entry) => [entry.name, { problems: [], files: 0, seconds: {} }]));
const packed = [];

/** Runs one step for a package and adds its wall time to that package's timing line. */
async function timed(result, step, run) {
  const begun = performance.now();
  try {
    return await run();
  } finally {
    result.seconds[step] = (result.seconds[step] ?? 0) + (performance.now() - begun) / 1000;
  }
}

for (const entry of packages) {
  const result = report.get(entry.name);
  const unbuilt = Object.keys({ ...entry.pkg.dependencies, ...entry.pkg.peerDependencies }).filter(
    (dep) => report.get(dep)?.unbuilt,
  );
  if (unbuilt.length > 0) {
    result.unbuilt = true;
    result.problems.push(`not built: it depends on ${unbuilt.join(", ")}, which did not build`);
    continue;
  }
  try {
    if (!skipBuild) {
      log(`build ${entry.name}`);
      await timed(result, "build", () => buildPackage(entry.dir));
    }
  } catch (error) {
    result.unbuilt = true;
    result.problems.push(`build: ${error.message}`);
    continue;
  }
  try {
    log(`pack ${entry.name}`);
    const tarball = await timed(result, "pack", () => pnpmPack(entry, tarballs));
    const inspected = await timed(result, "inspect", () => inspectTarball(tarball));
    result.files = inspected.files.length;
    result.problems.push(...inspected.problems);
    result.problems.push(...(await timed(result, "publint", () => publintProblems(tarball))));
    result.problems.push(...(await timed(result, "attw", () => attwProblems(tarball))));
    packed.push({ name: entry.name, tarball, pkg: inspected.pkg });
  } catch (error) {
    result.problems.push(`pack: ${error.message}`);
  }
}

if (packed.length > 0) {
  try {
    const installed = await installTest(packed, log);
    for (const [name, problems] of installed) {
      if (!report.has(name)) report.set(name, { problems: [], files: 0 });
      report.get(name).problems.push(...problems);
    }
  } catch (error) {
    report.set("(install test)", { problems: [error.message], files: 0 });
  }
}
if (!keepAt) rmSync(tarballs, { recursive: true, force: true });

console.log("\n== pack check");
let failed = 0;
for (const [name, { problems, files, seconds }] of report) {
  const counted = files > 0 ? ` (${files} files)` : "";
  const steps = Object.entries(seconds ?? {}).map(([step, s]) => `${step} ${s.toFixed(0)} s`);
  const verdict = problems.length === 0 ? "ok  " : name === NOTES ? "note" : "FAIL";
  console.log(`${verdict} ${name}${counted}${steps.length > 0 ? ` [${steps.join(", ")}]` : ""}`);
  for (const problem of problems) console.log(`       - ${problem.replace(/\n/g, "\n         ")}`);
  if (problems.length > 0 && name !== NOTES) failed++;
}
console.log(
  `${failed === 0 ? "all packages pass" : `${failed} failing`} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
process.exitCode = failed === 0 ? 0 : 1;
