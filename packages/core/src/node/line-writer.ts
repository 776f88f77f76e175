import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** A line sink for `jsonLinesLogger`: `write` appends a line, `close` flushes and reports any error. */
export interface LineWriter {
  write(line: string): void;
  /** Ends the stream; rejects with the first write error, if one happened. */
  close(): Promise<void>;
}

/** Writes lines (newline-terminated) to a Node stream, e.g. `process.stdout`. */
export function streamLineWriter(stream: Writable): LineWriter {
  let failure: Error | undefined;
  stream.on("error", (error: Error) => {
    failure ??= error;
  });
  return {
    write(line) {
      if (!failure) stream.write(`${line}\n`);
    },
    async close() {
      stream.end();
      await finished(stream).catch((error: Error) => {
        failure ??= error;
      });
      if (failure) throw failure;
    },
  };
}

/**
 * Appends lines to a file (created if missing), for production event logs:
 * `const file = fileLineWriter("events.jsonl"); jsonLinesLogger({ write: file.write })`.
 */
export function fileLineWriter(path: string, options: { append?: boolean } = {}): LineWriter {
  return streamLineWriter(createWriteStream(path, { flags: options.append === false ? "w" : "a" }));
}
