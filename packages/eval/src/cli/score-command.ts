import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { EvalInputError } from "../errors/index.js";
import { scoreText, scoreTextCorpus, type TextCase } from "../metrics/score-text.js";
import type { WordNet } from "../metrics/wordnet.js";
import { DEBIAN_WORDNET_DIR, loadWordNet } from "../node/wordnet-files.js";
import { type CliIo, flag, type ParsedArgs } from "./cli-io.js";

/** Parses `{"id", "hypothesis", "references": [...]}` lines; every malformed line is reported by number. */
export function parseScoreLines(text: string, source: string): TextCase[] {
  const cases: TextCase[] = [];
  const errors: EvalInputError[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const at = { line: i + 1, source };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      errors.push(new EvalInputError(`not JSON: ${(e as Error).message}`, at));
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors.push(new EvalInputError("expected an object with hypothesis and references", at));
      return;
    }
    const v = value as Record<string, unknown>;
    if (typeof v.hypothesis !== "string") {
      errors.push(new EvalInputError('"hypothesis" must be a string', at));
      return;
    }
    if (!Array.isArray(v.references) || v.references.length === 0) {
      errors.push(new EvalInputError('"references" must be a non-empty list of strings', at));
      return;
    }
    const bad = v.references.findIndex((r) => typeof r !== "string");
    if (bad >= 0) {
      errors.push(new EvalInputError(`references[${bad}] must be a string`, at));
      return;
    }
    if (v.id !== undefined && typeof v.id !== "string" && typeof v.id !== "number") {
      errors.push(new EvalInputError('"id" must be a string or a number', at));
      return;
    }
    cases.push({
      id: v.id as string | number | undefined,
      hypothesis: v.hypothesis,
      references: v.references,
    });
  });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new EvalInputError(
      `${errors.length} malformed lines:\n${errors.map((e) => `  ${e.message}`).join("\n")}`,
      {
        line: errors[0]!.line,
        source,
      },
    );
  return cases;
}

async function wordnetFor(args: ParsedArgs, io: CliIo): Promise<WordNet | null> {
  if (args.flags.get("no-wordnet") === true) {
    io.stderr("keel-eval: METEOR without WordNet synonyms (exact + stem only; not NLTK's default)\n");
    return null;
  }
  const dir = flag(args, "wordnet") ?? process.env.KEEL_WORDNET_DIR ?? DEBIAN_WORDNET_DIR;
  if (!existsSync(dir))
    throw new EvalInputError(
      `no WordNet database at ${dir}: pass --wordnet DIR (Debian wordnet-base: /usr/share/wordnet, WordNet 3.0) or --no-wordnet`,
    );
  return loadWordNet(dir);
}

/** `keel-eval score [FILE|-] [--corpus] [--wordnet DIR | --no-wordnet]`: one JSON line per case, or one for the corpus. */
export async function scoreCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.positional[0] ?? "-";
  let text: string;
  if (file === "-") {
    if (!io.stdin) throw new EvalInputError("no standard input to read");
    text = await io.stdin();
  } else {
    if (!existsSync(file)) throw new EvalInputError(`input file ${file} does not exist`);
    text = await readFile(file, "utf8");
  }
  const cases = parseScoreLines(text, file === "-" ? "stdin" : file);
  if (args.flags.get("corpus") === true) {
    const s = scoreTextCorpus(cases);
    if (s.sacrebleu === null)
      io.stderr(
        'keel-eval: a case has only empty references, which sacrebleu refuses; wrote "sacrebleu": null\n',
      );
    io.stdout(`${JSON.stringify(s)}\n`);
    return 0;
  }
  const wordnet = await wordnetFor(args, io);
  const out: string[] = [];
  for (const [i, c] of cases.entries()) {
    const scores = scoreText(c, { wordnet });
    if (scores.sacrebleu === null)
      io.stderr(
        `keel-eval: case ${c.id ?? i + 1}: every reference is empty, which sacrebleu refuses; wrote "sacrebleu": null\n`,
      );
    out.push(JSON.stringify({ id: c.id ?? null, ...scores }));
    if (out.length >= 1000) {
      io.stdout(`${out.join("\n")}\n`);
      out.length = 0;
    }
  }
  if (out.length) io.stdout(`${out.join("\n")}\n`);
  return 0;
}
