import { readFile, rename, writeFile } from "node:fs/promises";
import { InvalidRequestError } from "@keel/core";
import { MemoryStore } from "../stores/memory-store.js";

/** Saves a memory store's snapshot to a file atomically (written beside it, then renamed over it). */
export async function saveSnapshot(store: MemoryStore, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(store.toJSON()));
  await rename(temporary, path);
}

/** Loads a memory store saved with `saveSnapshot`. */
export async function loadSnapshot(path: string): Promise<MemoryStore> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new InvalidRequestError(`loadSnapshot: ${path} is not a readable JSON snapshot`, { cause });
  }
  return MemoryStore.fromJSON(json as never);
}
