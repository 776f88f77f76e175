export { fileLineWriter, type LineWriter, streamLineWriter } from "./line-writer.js";
export { runCli } from "./run-cli.js";
export { type CliIO, traceCommand } from "./trace-command.js";
