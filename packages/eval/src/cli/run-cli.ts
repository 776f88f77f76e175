import { KeelError } from "@keel/core";
import { type CliIo, parseArgs } from "./cli-io.js";
import { datasetCommand } from "./dataset-command.js";
import { reportCommand } from "./report-command.js";
import { compareCommand, runCommand } from "./run-command.js";
import { scoreCommand } from "./score-command.js";

const USAGE = `usage: keel-eval <command> [options]

  score [FILE|-] [--corpus] [--wordnet DIR | --no-wordnet]
      Reads JSON lines {"id", "hypothesis", "references": [...]} and writes one JSON line per
      case with bleu, bleu_smooth1, bleu_smooth4, sacrebleu, rouge1/2/L (+ _stem), meteor,
      exact_match, squad_em, squad_f1. --corpus writes one line of corpus BLEU and sacreBLEU.
      --wordnet picks the WordNet database for METEOR (default $KEEL_WORDNET_DIR or /usr/share/wordnet).

  run <config.mjs> [--out DIR] [--baseline RUN.json] [--resume RUN_ID] [--gate METRIC:MAXDROP|METRIC>=MIN] [--quiet]
      Runs the config's task over its dataset, scores it, stores the run (JSON), a journal to
      resume from, and an HTML report; compares with the baseline and exits 1 when a gate fails.

  compare <run.json> <baseline.json> [--gate ...] [--json] [--resamples N]
      Per-metric paired bootstrap comparison; exits 1 when a gate fails.

  report <run.json> [--baseline RUN.json] [--format html|md|json] [-o FILE]

  dataset --from <events.jsonl> [--feedback negative|positive|any|none|LABEL] [--tenant T]
          [--model M] [--since DATE] [--until DATE] [-o cases.jsonl]
      Turns logged production calls with user feedback into dataset cases (PII redacted).
`;

const BOOLEAN_FLAGS = new Set(["corpus", "no-wordnet", "help", "h", "quiet", "json"]);

type Command = (args: ReturnType<typeof parseArgs>, io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  score: scoreCommand,
  run: (args, io) => runCommand(args, io, gatesOf(args)),
  compare: (args, io) => compareCommand(args, io, gatesOf(args)),
  report: reportCommand,
  dataset: datasetCommand,
};

/** `--gate` may repeat; the parser keeps the last, so the raw values are collected separately. */
function gatesOf(args: ReturnType<typeof parseArgs>): string[] {
  return args.repeated.get("gate") ?? [];
}

/** Runs `keel-eval` with the given arguments; returns the exit code (0 ok, 1 failed gate or bad input, 2 usage). */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  extra: Record<string, Command> = {},
): Promise<number> {
  const [name, ...rest] = argv;
  const commands = { ...COMMANDS, ...extra };
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`keel-eval: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(rest, BOOLEAN_FLAGS);
  } catch (e) {
    io.stderr(`keel-eval ${name}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (e) {
    if (e instanceof KeelError) {
      io.stderr(`keel-eval ${name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
