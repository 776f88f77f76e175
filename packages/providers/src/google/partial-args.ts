import { OutputParseError } from "@keel/core";
import type { GeminiPartialArg } from "./wire-types.js";

type Segment = string | number;

/**
 * Assembles function-call arguments streamed as `partialArgs` (`{jsonPath, stringValue |
 * numberValue | boolValue | nullValue, willContinue}`). A string whose previous fragment said
 * `willContinue` is appended to; every other fragment sets the value at its path.
 */
export class PartialArgsBuilder {
  readonly args: Record<string, unknown>;
  #continuing = new Set<string>();

  constructor(initial: Record<string, unknown> = {}) {
    this.args = structuredClone(initial);
  }

  /** Applies one streamed fragment. */
  apply(fragment: GeminiPartialArg): void {
    const path = parseJsonPath(fragment.jsonPath);
    const value = fragmentValue(fragment);
    const appending = this.#continuing.has(fragment.jsonPath) && typeof value === "string";
    if (appending) {
      const previous = get(this.args, path);
      set(this.args, path, (typeof previous === "string" ? previous : "") + value);
    } else {
      set(this.args, path, value);
    }
    if (fragment.willContinue) this.#continuing.add(fragment.jsonPath);
    else this.#continuing.delete(fragment.jsonPath);
  }
}

function fragmentValue(fragment: GeminiPartialArg): unknown {
  if (fragment.stringValue !== undefined) return fragment.stringValue;
  if (fragment.numberValue !== undefined) return fragment.numberValue;
  if (fragment.boolValue !== undefined) return fragment.boolValue;
  if ("nullValue" in fragment) return null;
  throw new OutputParseError(`streamed argument for "${fragment.jsonPath}" carries no value`, {
    provider: "google",
  });
}

const SEGMENT = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

/** Parses `$.a.b[0]['c d']` into its segments. */
export function parseJsonPath(path: string): Segment[] {
  if (!path.startsWith("$")) throw badPath(path);
  const segments: Segment[] = [];
  SEGMENT.lastIndex = 1;
  while (SEGMENT.lastIndex < path.length) {
    const start = SEGMENT.lastIndex;
    const m = SEGMENT.exec(path);
    if (!m || m.index !== start) throw badPath(path);
    if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[1] ?? m[3] ?? m[4])!.replace(/\\(.)/g, "$1"));
  }
  // Model output must never reach Object.prototype.
  if (segments.some((s) => s === "__proto__" || s === "constructor" || s === "prototype"))
    throw badPath(path);
  if (segments.length === 0) throw badPath(path);
  return segments;
}

function badPath(path: string): OutputParseError {
  return new OutputParseError(`unsupported jsonPath "${path}" in streamed function-call arguments`, {
    provider: "google",
  });
}

function get(root: Record<string, unknown>, path: Segment[]): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<Segment, unknown>)[segment];
  }
  return node;
}

function set(root: Record<string, unknown>, path: Segment[], value: unknown): void {
  let node: Record<Segment, unknown> = root;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = path[i + 1];
    if (typeof node[segment] !== "object" || node[segment] === null)
      node[segment] = typeof next === "number" ? [] : {};
    node = node[segment] as Record<Segment, unknown>;
  });
}
