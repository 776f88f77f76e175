import { type CliIO, traceCommand } from "./trace-command.js";

const HELP = `Usage: keel <command> [options]

Commands:
  trace <events.jsonl> [-o out.html]   render an event log as an HTML timeline

Run "keel <command> --help" for a command's options.`;

/** Runs the `keel` CLI with arguments (without node and script); returns the exit code. */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = args;
  if (command === "trace") return traceCommand(rest, io);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  io.stderr(`keel: unknown command "${command}"\n\n${HELP}\n`);
  return 2;
}
