import { ProviderUnavailableError } from "./errors.js";

/** An optional peer dependency, imported on first use. */
export interface OptionalPeer<M> {
  /** The package's name, as a user installs it. */
  readonly name: string;
  /** The module, imported on the first call; a missing package rejects with `ProviderUnavailableError`. */
  load(): Promise<M>;
  /** The module once a `load()` has finished, else `undefined` (for code that meets the package's objects only after a load). */
  loaded(): M | undefined;
}

/**
 * True when `error` says that `name` itself is not installed ("Cannot find package 'name'"), not
 * that the package is there but one of its own files or dependencies is missing.
 */
function isMissing(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = String(e?.code ?? "");
  const message = String(e?.message ?? "");
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    (message.includes(`'${name}'`) || message.includes(`"${name}"`))
  );
}

/**
 * The error for an optional peer that could not be imported: a missing package names itself and
 * its install command; a broken one says why it failed. Not retryable (waiting installs nothing),
 * so fallback middleware moves on.
 */
export function optionalPeerError(name: string, entry: string, error: unknown): ProviderUnavailableError {
  const message = isMissing(error, name)
    ? `${name} is not installed; ${entry} needs this optional peer dependency: run \`npm i ${name}\``
    : `${name} could not be loaded for ${entry}: ${(error as Error)?.message ?? String(error)}`;
  return new ProviderUnavailableError(message, { provider: name, cause: error, retryable: false });
}

/**
 * Describes an optional peer dependency that `entry` imports on first use with `importer` (a
 * literal `() => import("pkg")`, so bundlers and the build see it), so that importing the entry
 * never needs the package. A failed import is not remembered: the package may be installed while
 * the process runs.
 */
export function optionalPeer<M>(name: string, entry: string, importer: () => Promise<M>): OptionalPeer<M> {
  let pending: Promise<M> | undefined;
  let module: M | undefined;
  return {
    name,
    load() {
      pending ??= importer().then(
        (loaded) => {
          module = loaded;
          return loaded;
        },
        (error: unknown) => {
          pending = undefined;
          throw optionalPeerError(name, entry, error);
        },
      );
      return pending;
    },
    loaded: () => module,
  };
}
