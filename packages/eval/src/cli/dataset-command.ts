import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseEventLines } from "@keel/core/telemetry";
import { EvalInputError } from "../errors/index.js";
import { type DatasetFilter, datasetFromEvents, parseTime } from "../feedback/dataset-from-events.js";
import { type CliIo, flag, type ParsedArgs } from "./cli-io.js";

/**
 * `keel-eval dataset --from events.jsonl [--feedback negative|positive|any|none|LABEL] [--tenant T]
 * [--model M] [--since DATE] [--until DATE] [-o cases.jsonl]`: logged calls with feedback → dataset cases.
 */
export async function datasetCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const from = flag(args, "from");
  if (!from) throw new EvalInputError("dataset needs --from <events.jsonl>");
  if (!existsSync(from)) throw new EvalInputError(`event log ${from} does not exist`);
  const fb = flag(args, "feedback") ?? "any";
  const filter: DatasetFilter = {
    feedback: ["negative", "positive", "any", "none"].includes(fb)
      ? (fb as DatasetFilter["feedback"])
      : { label: fb },
  };
  const tenant = flag(args, "tenant");
  const model = flag(args, "model");
  const since = flag(args, "since");
  const until = flag(args, "until");
  if (tenant) filter.tenant = tenant;
  if (model) filter.model = model;
  if (since) filter.since = parseTime(since, "--since");
  if (until) filter.until = parseTime(until, "--until");
  const { cases, skipped } = datasetFromEvents(parseEventLines(await readFile(from, "utf8")), filter);
  const text = cases.map((c) => JSON.stringify(c)).join("\n") + (cases.length ? "\n" : "");
  const out = flag(args, "o", "out");
  if (out) await writeFile(out, text);
  else io.stdout(text);
  io.stderr(
    `keel-eval: ${cases.length} cases${out ? ` written to ${out}` : ""}; ${skipped.filtered} calls left out by the filter, ${skipped.noContent} without captured prompt and answer (turn on content capture to keep them)\n`,
  );
  return 0;
}
