import { InvalidRequestError } from "@keel/core";
import type { Chunker, RagDocument } from "../types.js";
import { buildChunks, type Span } from "./build-chunks.js";

/** Options of the recursive separator chunker. */
export interface RecursiveChunkerOptions {
  /** Largest chunk, in characters (or in `length` units). Default 1000. */
  chunkSize?: number;
  /** How much of the previous chunk's end the next one repeats. Default 150. */
  overlap?: number;
  /** Tried in order: split on the first that occurs, recurse into pieces still too long. */
  separators?: string[];
  /** How a span's size is measured. Default: its length in characters. */
  length?: (text: string) => number;
}

const DEFAULT_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""];

function checkSizes(name: string, chunkSize: number, overlap: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new InvalidRequestError(`${name}: chunkSize must be a positive integer, got ${chunkSize}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= chunkSize)
    throw new InvalidRequestError(`${name}: overlap must be an integer in [0, chunkSize), got ${overlap}`);
}

/**
 * Splits [start, end) of `text` into pieces no longer than `chunkSize`: on the first separator
 * that occurs, recursing with the next separators into pieces still too long; the separator
 * stays at the end of the piece before it, so pieces tile the range exactly.
 */
export function splitRecursive(
  text: string,
  start: number,
  end: number,
  chunkSize: number,
  separators: readonly string[],
  length: (text: string) => number,
): Array<[number, number]> {
  if (length(text.slice(start, end)) <= chunkSize) return [[start, end]];
  const index = separators.findIndex((s) => s === "" || text.slice(start, end).includes(s));
  const separator = separators[index] ?? "";
  if (separator === "") {
    // No separator left: cut by size, never inside a surrogate pair.
    const out: Array<[number, number]> = [];
    let from = start;
    while (from < end) {
      let to = Math.min(end, from + chunkSize);
      while (to > from + 1 && length(text.slice(from, to)) > chunkSize) to--;
      if (to < end && /[\uD800-\uDBFF]/.test(text[to - 1]!)) to = to > from + 1 ? to - 1 : to + 1;
      out.push([from, to]);
      from = to;
    }
    return out;
  }
  const out: Array<[number, number]> = [];
  let from = start;
  while (from < end) {
    const at = text.indexOf(separator, from);
    const to = at < 0 || at + separator.length > end ? end : at + separator.length;
    if (length(text.slice(from, to)) <= chunkSize) out.push([from, to]);
    else out.push(...splitRecursive(text, from, to, chunkSize, separators.slice(index + 1), length));
    from = to;
  }
  return out;
}

/**
 * Packs consecutive pieces into windows whose summed piece sizes stay within `chunkSize`, each
 * window repeating whole pieces worth up to `overlap` from the previous one's end.
 */
export function packPieces(
  pieces: Array<[number, number]>,
  sizes: readonly number[],
  chunkSize: number,
  overlap: number,
): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  let first = 0;
  while (first < pieces.length) {
    let last = first;
    let total = sizes[first]!;
    while (last + 1 < pieces.length && total + sizes[last + 1]! <= chunkSize) total += sizes[++last]!;
    windows.push([pieces[first]![0], pieces[last]![1]]);
    if (last + 1 >= pieces.length) break;
    // Step back over whole pieces that fit in the overlap, but always move forward.
    let next = last + 1;
    let repeated = 0;
    while (next - 1 > first && repeated + sizes[next - 1]! <= overlap) repeated += sizes[--next]!;
    first = next;
  }
  return windows;
}

/** Spans of a range cut by separators and packed to `chunkSize` with `overlap`. */
export function recursiveSpans(
  text: string,
  start: number,
  end: number,
  options: Required<Pick<RecursiveChunkerOptions, "chunkSize" | "overlap">> & RecursiveChunkerOptions,
  headingPath: string[] = [],
): Span[] {
  const length = options.length ?? ((t: string) => t.length);
  const pieces = splitRecursive(
    text,
    start,
    end,
    options.chunkSize,
    options.separators ?? DEFAULT_SEPARATORS,
    length,
  );
  const sizes = pieces.map(([s, e]) => length(text.slice(s, e)));
  return packPieces(pieces, sizes, options.chunkSize, options.overlap).map(([s, e]) => ({
    start: s,
    end: e,
    headingPath,
  }));
}

/** A chunker that splits on paragraphs, then lines, sentences and words, packing pieces up to `chunkSize` characters. */
export function recursiveChunker(options: RecursiveChunkerOptions = {}): Chunker {
  const chunkSize = options.chunkSize ?? 1000;
  const overlap = options.overlap ?? Math.min(150, Math.floor(chunkSize / 5));
  checkSizes("recursiveChunker", chunkSize, overlap);
  return {
    name: `recursive-${chunkSize}-${overlap}`,
    async chunk(document: RagDocument) {
      return buildChunks(
        document,
        recursiveSpans(document.text, 0, document.text.length, { ...options, chunkSize, overlap }),
      );
    },
  };
}

export { checkSizes };
