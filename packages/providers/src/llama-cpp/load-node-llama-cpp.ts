import { ProviderUnavailableError } from "@keel/core";

/** The node-llama-cpp module, typed from its own declarations. */
export type NodeLlamaCpp = typeof import("node-llama-cpp");

/** The version this adapter is written and tested against. */
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

let cached: Promise<NodeLlamaCpp> | undefined;

/**
 * Imports node-llama-cpp once, on first use, so that loading `@keel/providers/llama-cpp` never
 * requires the optional peer. A missing package becomes a `ProviderUnavailableError` that says how
 * to install it (not retryable: waiting does not install it; fallback middleware can move on).
 */
export function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  cached ??= importNodeLlamaCpp().catch((error: unknown) => {
    // Do not remember the failure: the package may be installed while the process runs.
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Runs `importer` (the real dynamic import by default) and explains a missing or broken package. */
export async function importNodeLlamaCpp(
  importer: () => Promise<NodeLlamaCpp> = () => import("node-llama-cpp"),
): Promise<NodeLlamaCpp> {
  try {
    return await importer();
  } catch (error) {
    const e = error as { code?: string; message?: string } | undefined;
    const missing = e?.code === "ERR_MODULE_NOT_FOUND" && /node-llama-cpp/.test(e.message ?? "");
    throw new ProviderUnavailableError(
      missing
        ? `@keel/providers/llama-cpp needs the optional peer dependency node-llama-cpp: run \`npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\``
        : `node-llama-cpp could not be loaded: ${e?.message ?? String(error)}`,
      { provider: "llama-cpp", cause: error, retryable: false },
    );
  }
}
