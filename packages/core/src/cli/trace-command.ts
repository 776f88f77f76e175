import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { parseEventLines } from "../telemetry/parse-event-lines.js";
import { renderTraceHtml } from "../telemetry/trace-html.js";

export const USAGE = `Usage: keel trace <events.jsonl> [-o out.html] [--title TEXT]

Turns a JSON-lines event log (written by jsonLinesLogger) into one self-contained
HTML timeline. Default output: the log's path with .html instead of .jsonl.
Use -o - to write the page to stdout.`;

/** Where the CLI writes: injectable for tests. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The default output path: `x.jsonl` → `x.html`, anything else gets `.html` appended. */
export function defaultOutput(input: string): string {
  return /\.jsonl?$/i.test(input) ? input.replace(/\.jsonl?$/i, ".html") : `${input}.html`;
}

/** `keel trace`: reads the log, renders the page, writes it. Returns the exit code. */
export async function traceCommand(args: string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr(`keel trace: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    io.stderr(`keel trace: give exactly one log file\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const events = parseEventLines(await readFile(input, "utf8"));
    const html = renderTraceHtml(events, {
      source: basename(input),
      ...(values.title ? { title: values.title } : {}),
    });
    const output = values.output ?? defaultOutput(input);
    if (output === "-") io.stdout(html);
    else {
      await writeFile(output, html);
      io.stderr(`keel trace: ${events.length} events → ${output}\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(`keel trace: ${input}: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o" },
      title: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
