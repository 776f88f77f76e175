import { writeFile } from "node:fs/promises";
import { compareRuns } from "../baseline/compare-runs.js";
import { EvalInputError } from "../errors/index.js";
import { loadRun } from "../node/run-files.js";
import { renderHtmlReport } from "../report/html-report.js";
import { renderMarkdownReport } from "../report/markdown-report.js";
import { renderJsonReport } from "../report/report-model.js";
import { type CliIo, flag, type ParsedArgs } from "./cli-io.js";

/** `keel-eval report <run.json> [--baseline RUN.json] [--format html|md|json] [-o FILE]`. */
export async function reportCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const path = args.positional[0];
  if (!path) throw new EvalInputError("report needs a run file: keel-eval report run.json");
  const run = await loadRun(path);
  const basePath = flag(args, "baseline");
  const baseline = basePath ? await loadRun(basePath) : undefined;
  const comparison = baseline ? compareRuns(run, baseline) : undefined;
  const out = flag(args, "o", "out");
  const format =
    flag(args, "format") ?? (out?.endsWith(".md") ? "md" : out?.endsWith(".json") ? "json" : "html");
  const text =
    format === "html"
      ? renderHtmlReport(run, comparison, baseline)
      : format === "md"
        ? renderMarkdownReport(run, comparison)
        : format === "json"
          ? renderJsonReport(run, comparison)
          : undefined;
  if (text === undefined) throw new EvalInputError(`unknown report format "${format}" (html, md or json)`);
  const target =
    out ??
    path.replace(/\.json$/, "") + (format === "md" ? ".md" : format === "json" ? ".report.json" : ".html");
  await writeFile(target, text);
  io.stderr(`keel-eval: wrote ${target}\n`);
  return 0;
}
