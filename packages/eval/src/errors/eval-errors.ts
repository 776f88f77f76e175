import { InvalidRequestError, type KeelErrorOptions } from "@keel/core";

/**
 * Bad input to an evaluation function, dataset or CLI: names what was wrong and, for files,
 * the line. It is an `InvalidRequestError` (code `invalid-request`, not retryable).
 */
export class EvalInputError extends InvalidRequestError {
  /** 1-based line of the file or stream the problem is on, when there is one. */
  readonly line: number | undefined;
  /** The file or stream the problem is in, when there is one. */
  readonly source: string | undefined;

  constructor(message: string, options: KeelErrorOptions & { line?: number; source?: string } = {}) {
    const where =
      options.line === undefined ? "" : `${options.source ? `${options.source}:` : "line "}${options.line}: `;
    super(`${where}${message}`, options);
    this.name = "EvalInputError";
    this.line = options.line;
    this.source = options.source;
  }
}

/** A WordNet database directory is missing a file or holds a malformed one. */
export class WordNetError extends InvalidRequestError {
  constructor(message: string, options: KeelErrorOptions = {}) {
    super(message, options);
    this.name = "WordNetError";
  }
}
