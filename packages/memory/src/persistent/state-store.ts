import type { Scope } from "../scope.js";

/** A stored value with its version: 1 after the first write, +1 on every write. */
export interface StoredValue<T = unknown> {
  key: string;
  value: T;
  version: number;
  /** Milliseconds since epoch of the last write. */
  updatedAt: number;
}

/** Conditions of a write. */
export interface WriteOptions {
  /**
   * Write only if the key is at this version (0: only if it does not exist); otherwise throw
   * `VersionConflictError` and write nothing. Omitted: write whatever is there.
   */
  expectedVersion?: number;
}

/** An event to append to a stream. */
export interface NewEvent<T = unknown> {
  type: string;
  data: T;
}

/** An event as stored: numbered from 1 within its stream, never changed after it is appended. */
export interface StoredEvent<T = unknown> {
  stream: string;
  seq: number;
  type: string;
  data: T;
  /** Milliseconds since epoch of the append. */
  at: number;
}

/** Conditions of an append. */
export interface AppendOptions {
  /**
   * Append only if the stream's last sequence number is this (0: the stream is empty); otherwise
   * throw `VersionConflictError` and append nothing.
   */
  expectedSeq?: number;
}

/** Narrows `list`. */
export interface ListOptions {
  /** Only keys that start with this. */
  prefix?: string;
  /** At most this many, in key order. */
  limit?: number;
}

/** Narrows `read`. */
export interface ReadOptions {
  /** Only events with a sequence number above this. Default 0 (from the start). */
  after?: number;
  /** At most this many. */
  limit?: number;
}

/**
 * Durable state for agents and flows: a versioned key-value store and an append-only event log,
 * both confined to a scope (tenant and user). Values and event data are stored as JSON. Every
 * method resolves only once its write is durable in the store; a rejected write wrote nothing.
 */
export interface StateStore {
  /** The value at `key`, or undefined. */
  get<T = unknown>(scope: Scope, key: string): Promise<StoredValue<T> | undefined>;
  /** Writes `value` at `key` and returns it with its new version. */
  put<T = unknown>(scope: Scope, key: string, value: T, options?: WriteOptions): Promise<StoredValue<T>>;
  /** Removes `key`; true when it existed. With `expectedVersion`, only if it is at that version. */
  delete(scope: Scope, key: string, options?: WriteOptions): Promise<boolean>;
  /** The scope's values in key order. */
  list<T = unknown>(scope: Scope, options?: ListOptions): Promise<StoredValue<T>[]>;
  /** Appends events to a stream, atomically (all or none), and returns them as stored. */
  append<T = unknown>(
    scope: Scope,
    stream: string,
    events: NewEvent<T>[],
    options?: AppendOptions,
  ): Promise<StoredEvent<T>[]>;
  /** The stream's events in order. */
  read<T = unknown>(scope: Scope, stream: string, options?: ReadOptions): Promise<StoredEvent<T>[]>;
  /** Deletes every value and stream of the scope (exactly this tenant and user). */
  forget(scope: Scope): Promise<void>;
  /** Releases connections or files this store opened. */
  close(): Promise<void>;
}
