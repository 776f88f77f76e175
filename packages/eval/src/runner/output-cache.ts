import type { TaskOutput } from "./types.js";

/** Where model outputs are kept between runs, so rerunning scoring or a resumed run does not pay twice. */
export interface OutputCache {
  get(key: string): Promise<TaskOutput | undefined>;
  set(key: string, value: TaskOutput): Promise<void>;
}

/** An in-process output cache (a Map). `@keel/eval/node` has `fileOutputCache(dir)`. */
export function memoryOutputCache(): OutputCache & { readonly size: number } {
  const map = new Map<string, TaskOutput>();
  return {
    get size() {
      return map.size;
    },
    async get(key) {
      return map.get(key);
    },
    async set(key, value) {
      map.set(key, value);
    },
  };
}

/** SHA-256 (hex) of a JSON value, with object keys sorted so equal values hash alike. */
export async function stableHash(value: unknown): Promise<string> {
  const json = JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
