import { InvalidRequestError, isKeelError, type KeelError, ProviderUnavailableError } from "@keel/core";
import { abortReason } from "@keel/core/provider";
import type { NodeLlamaCpp } from "./load-node-llama-cpp.js";

const PROVIDER = "llama-cpp";

/** The Keel error for a failure to start llama.cpp itself (`getLlama`). */
export function toRuntimeError(lib: NodeLlamaCpp, error: unknown): KeelError {
  if (isKeelError(error)) return error;
  const hint =
    error instanceof lib.NoBinaryFoundError
      ? "no llama.cpp binary fits this platform and building from source is off; run `npx --no node-llama-cpp source download`, or pass a prebuilt `llama`"
      : "llama.cpp could not start";
  return new ProviderUnavailableError(`llama-cpp: ${hint}: ${messageOf(error)}`, {
    provider: PROVIDER,
    cause: error,
    retryable: false,
  });
}

/** The Keel error for a model file that llama.cpp cannot load; the message names the path. */
export function toLoadError(lib: NodeLlamaCpp, error: unknown, path: string): KeelError {
  if (isKeelError(error)) return error;
  if (error instanceof lib.InsufficientMemoryError) {
    return new ProviderUnavailableError(`llama-cpp: not enough memory to load ${path}: ${messageOf(error)}`, {
      provider: PROVIDER,
      cause: error,
      retryable: false,
    });
  }
  return new InvalidRequestError(`llama-cpp: cannot load the GGUF model at ${path}: ${messageOf(error)}`, {
    provider: PROVIDER,
    cause: error,
  });
}

/**
 * The Keel error for a failed generation: the signal's own reason when it fired (caller abort
 * or deadline), otherwise a provider failure (a disposed model, a failed decode).
 */
export function toGenerationError(lib: NodeLlamaCpp, error: unknown, signal: AbortSignal): KeelError {
  if (signal.aborted) return abortReason(signal);
  if (isKeelError(error)) return error;
  const disposed = error instanceof lib.DisposedError;
  return new ProviderUnavailableError(
    disposed
      ? "llama-cpp: the model was disposed while the call ran"
      : `llama-cpp: generation failed: ${messageOf(error)}`,
    { provider: PROVIDER, cause: error, retryable: !disposed },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
