import { KeelError, type KeelErrorOptions } from "@keel/core";

const MEMORY_BRAND = Symbol.for("keel.memory.error");

/** What went wrong in a memory store, one value per error class. */
export type MemoryErrorKind = "version-conflict" | "store-unavailable" | "migration-failed";

/**
 * Base of `@keel/memory`'s own errors. Their `code` is `unknown` (core's codes are for model
 * calls); `kind` says which one it is, and `instanceof` checks the kind, so they hold across
 * two copies of this package in one bundle.
 */
export class MemoryError extends KeelError {
  static readonly kind: MemoryErrorKind | undefined = undefined;
  readonly kind: MemoryErrorKind;

  constructor(message: string, options: KeelErrorOptions = {}) {
    super(message, options);
    const ctor = new.target as typeof MemoryError;
    this.kind = ctor.kind ?? "store-unavailable";
    this.name = NAMES[this.kind];
    Object.defineProperty(this, MEMORY_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (
      typeof value !== "object" ||
      value === null ||
      (value as Record<symbol, unknown>)[MEMORY_BRAND] !== true
    )
      return false;
    return this === MemoryError || (value as MemoryError).kind === this.kind;
  }
}

const NAMES: Record<MemoryErrorKind, string> = {
  "version-conflict": "VersionConflictError",
  "store-unavailable": "StoreUnavailableError",
  "migration-failed": "MigrationError",
};

/**
 * A conditional write found another version than the one expected: someone else wrote first.
 * Nothing was written. Re-read, re-apply the change and retry.
 */
export class VersionConflictError extends MemoryError {
  static override readonly kind = "version-conflict" as const;
  static override readonly retryable = true;
  /** The version the caller expected (0: that the key or stream did not exist). */
  readonly expected: number;
  /** The version found, when the store could tell (0: absent). */
  readonly actual: number | undefined;

  constructor(what: string, expected: number, actual: number | undefined) {
    super(
      `${what}: expected version ${expected}, found ${actual === undefined ? "another" : actual}; nothing was written`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The store could not be reached or went away during the operation (connection refused, reset
 * or closed, database closed). A write that fails with it was not acknowledged; for SQL stores
 * its transaction was rolled back.
 */
export class StoreUnavailableError extends MemoryError {
  static override readonly kind = "store-unavailable" as const;
  static override readonly retryable = true;
}

/** A schema migration failed; its transaction was rolled back and the schema stays at the version before it. */
export class MigrationError extends MemoryError {
  static override readonly kind = "migration-failed" as const;
  /** The migration that failed. */
  readonly migration: string;

  constructor(migration: string, cause: unknown) {
    super(
      `migration "${migration}" failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.migration = migration;
  }
}
