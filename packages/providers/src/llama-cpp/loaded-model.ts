import { InvalidRequestError } from "@keel/core";
import type { Llama, LlamaModel, LlamaModelOptions } from "node-llama-cpp";
import { toLoadError } from "./errors.js";
import { type NodeLlamaCpp, nodeLlamaCpp } from "./load-node-llama-cpp.js";
import { assertModelFile } from "./model-file.js";
import type { LlamaInstance, LlamaModelLoadOptions } from "./public-types.js";
import { acquireLlama, type LlamaLease, type LlamaRuntimeOptions } from "./shared-llama.js";

/** Settings shared by the chat and embedding models for loading a GGUF file. */
export interface LlamaLoadSettings extends LlamaRuntimeOptions {
  /** A `Llama` you started yourself (`getLlama(...)`); it is used as is and not disposed by `dispose()`. */
  llama?: LlamaInstance;
  /** Passed to `llama.loadModel` (e.g. `gpuLayers`, `useMmap`). */
  loadOptions?: LlamaModelLoadOptions;
}

/** A model file loaded into llama.cpp, with what it took to load it. */
export interface LoadedModel {
  readonly lib: NodeLlamaCpp;
  readonly llama: Llama;
  readonly model: LlamaModel;
  /** Frees the model and gives the `Llama` back. */
  unload(): Promise<void>;
}

/**
 * Loads node-llama-cpp, a `Llama` and the model file. Every failure is a Keel error: a missing
 * package or binary (`ProviderUnavailableError`), a missing or unreadable file
 * (`InvalidRequestError` with the path), too little memory (`ProviderUnavailableError`).
 */
export async function loadModel(path: string, settings: LlamaLoadSettings): Promise<LoadedModel> {
  await assertModelFile(path);
  const lib = await nodeLlamaCpp();
  const lease: LlamaLease = settings.llama
    ? { llama: settings.llama as Llama, release: async () => {} }
    : await acquireLlama(lib, settings);
  try {
    const model = await lease.llama.loadModel({
      ...(settings.loadOptions as Omit<LlamaModelOptions, "modelPath">),
      modelPath: path,
    });
    return {
      lib,
      llama: lease.llama,
      model,
      async unload() {
        await model.dispose();
        await lease.release();
      },
    };
  } catch (error) {
    await lease.release();
    throw toLoadError(lib, error, path);
  }
}

/**
 * Runs `load` once and shares the result; a failed load is forgotten so the next call tries again
 * (the file may appear later). After `dispose`, calls fail with an `InvalidRequestError`.
 */
export class LazyResource<T> {
  #value: Promise<T> | undefined;
  #disposed = false;

  constructor(
    private readonly what: string,
    private readonly load: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    if (this.#disposed) {
      return Promise.reject(
        new InvalidRequestError(`llama-cpp: ${this.what} was disposed`, { provider: "llama-cpp" }),
      );
    }
    if (!this.#value) {
      const loading = this.load();
      this.#value = loading;
      loading.catch(() => {
        if (this.#value === loading) this.#value = undefined;
      });
    }
    return this.#value;
  }

  /** Marks the resource disposed and returns what was loaded, if anything, for the caller to free. */
  async dispose(): Promise<T | undefined> {
    this.#disposed = true;
    const value = this.#value;
    this.#value = undefined;
    return value?.catch(() => undefined);
  }
}
