import type { Llama, LlamaLogLevel } from "node-llama-cpp";
import { toRuntimeError } from "./errors.js";
import type { NodeLlamaCpp } from "./load-node-llama-cpp.js";
import type { LlamaGpu, LlamaLogLevelName } from "./public-types.js";

/** How llama.cpp itself is started. */
export interface LlamaRuntimeOptions {
  /** `"auto"` uses a GPU when a prebuilt binary for it exists (CUDA, Vulkan, Metal); `false` is CPU only. */
  gpu?: "auto" | LlamaGpu;
  /** node-llama-cpp's log level; its default is `"warn"`. */
  logLevel?: LlamaLogLevelName;
}

/** A `Llama` held by one model; `release` gives it back and frees it when nobody else holds it. */
export interface LlamaLease {
  readonly llama: Llama;
  release(): Promise<void>;
}

const shared = new Map<string, { llama: Promise<Llama>; holders: number }>();

/**
 * One `Llama` per GPU and log setting for the whole process, shared by every model and embedding
 * model that asks for the same, since starting one costs a few hundred milliseconds. It never builds
 * llama.cpp from source at run time (`build: "never"`), and sets no process-wide thread limit
 * (`maxThreads: 0`) so that each context's own `threads` is exactly what it uses.
 */
export async function acquireLlama(lib: NodeLlamaCpp, options: LlamaRuntimeOptions): Promise<LlamaLease> {
  const gpu = options.gpu ?? "auto";
  const key = JSON.stringify([gpu, options.logLevel ?? null]);
  let entry = shared.get(key);
  if (!entry) {
    const created = {
      llama: lib.getLlama({
        gpu,
        build: "never",
        maxThreads: 0,
        ...(options.logLevel !== undefined ? { logLevel: options.logLevel as LlamaLogLevel } : {}),
      }),
      holders: 0,
    };
    created.llama.catch(() => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    entry = created;
  }
  const held = entry;
  held.holders++;
  let llama: Llama;
  try {
    llama = await held.llama;
  } catch (error) {
    held.holders--;
    throw toRuntimeError(lib, error);
  }
  let released = false;
  return {
    llama,
    async release() {
      if (released) return;
      released = true;
      held.holders--;
      if (held.holders > 0) return;
      if (shared.get(key) === held) shared.delete(key);
      await llama.dispose();
    },
  };
}
