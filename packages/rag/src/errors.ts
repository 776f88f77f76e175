import { InvalidRequestError, type KeelErrorOptions, ProviderUnavailableError } from "@keel/core";

/** A document (or record) was refused: empty, too large, invalid UTF-8, malformed. Names the document. */
export class DocumentError extends InvalidRequestError {
  /** The id of the refused document, or its position ("line 3") when it had no id yet. */
  readonly documentId: string;

  constructor(documentId: string, problem: string, options: KeelErrorOptions = {}) {
    super(`document "${documentId}": ${problem}`, options);
    this.name = "DocumentError";
    this.documentId = documentId;
  }
}

/**
 * A store (PostgreSQL, Qdrant) could not be reached or failed for now. Retryable: nothing the
 * store acknowledged before is lost, and the failed write can be sent again.
 */
export class StoreUnavailableError extends ProviderUnavailableError {
  /** The store that failed, e.g. "pgvector" or "qdrant". */
  readonly store: string;

  constructor(store: string, message: string, options: KeelErrorOptions = {}) {
    super(`${store}: ${message}`, { provider: store, ...options });
    this.name = "StoreUnavailableError";
    this.store = store;
  }
}
