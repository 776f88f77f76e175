import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { InvalidRequestError } from "@keel/core";

/** The absolute path of a model file given relative to the working directory or absolute. */
export function resolveModelPath(modelPath: string): string {
  if (typeof modelPath !== "string" || modelPath.trim() === "") {
    throw new InvalidRequestError("llama-cpp: `modelPath` must be the path of a GGUF file", {
      provider: "llama-cpp",
    });
  }
  return resolve(modelPath);
}

/** A model id from its file name: `models/Qwen3-0.6B-Q8_0.gguf` → `Qwen3-0.6B-Q8_0`. */
export function modelIdFromPath(modelPath: string): string {
  return basename(modelPath).replace(/\.gguf$/i, "");
}

/** Fails with an `InvalidRequestError` naming the path when it is not a readable file. */
export async function assertModelFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`;
    throw new InvalidRequestError(`llama-cpp: GGUF model file not found at ${path}: ${why}`, {
      provider: "llama-cpp",
      cause: error,
    });
  }
  if (!isFile) {
    throw new InvalidRequestError(`llama-cpp: ${path} is not a file; \`modelPath\` must name a GGUF file`, {
      provider: "llama-cpp",
    });
  }
}
