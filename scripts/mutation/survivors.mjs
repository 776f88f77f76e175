// Prints the per-file score table and the surviving / uncovered mutants of a Stryker JSON
// report: `node scripts/mutation/survivors.mjs [reports/mutation/mutation.json]`.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2] ?? "reports/mutation/mutation.json", "utf8"));
const open = new Set(["Survived", "NoCoverage"]);
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const killed = count("Killed");
  const timedOut = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const ignored = count("Ignored");
  const detected = killed + timedOut;
  const score = (100 * detected) / Math.max(1, detected + survived + noCoverage);
  console.log(
    `${file}: killed ${killed}, timeout ${timedOut}, survived ${survived}, no coverage ${noCoverage}, ignored ${ignored}, score ${score.toFixed(1)}%`,
  );
  if (process.argv.includes("--table")) continue;
  const lines = source.split("\n");
  for (const m of mutants.filter((m) => open.has(m.status))) {
    const { line, column } = m.location.start;
    const code = lines[line - 1].trim();
    console.log(
      `  ${m.status} ${m.mutatorName} ${line}:${column} ${code.slice(0, 100)}  =>  ${String(m.replacement).slice(0, 80).replace(/\n/g, " ")}`,
    );
  }
}
