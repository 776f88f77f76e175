import { InvalidRequestError } from "@keel/core";
import { getTokenizer, type TokenEncoding } from "@keel/core/tokens";
import type { Chunker, RagDocument } from "../types.js";
import { buildChunks } from "./build-chunks.js";
import { checkDocument } from "./check-document.js";
import { packPieces, splitRecursive } from "./recursive-chunker.js";

/** Options of the token-window chunker. */
export interface TokenChunkerOptions {
  /** Largest chunk in tokens. Default 256. */
  maxTokens?: number;
  /** Tokens the next chunk repeats from the end of the previous one. Default 32. */
  overlapTokens?: number;
  /** Core tokenizer encoding. Default "o200k_base". */
  encoding?: TokenEncoding;
}

/**
 * A chunker of token windows with overlap, counted with core's tokenizer. Windows are cut at
 * word boundaries (a word longer than a window is cut inside), so offsets stay exact.
 */
export function tokenChunker(options: TokenChunkerOptions = {}): Chunker {
  const maxTokens = options.maxTokens ?? 256;
  const overlapTokens = options.overlapTokens ?? 32;
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw new InvalidRequestError(`tokenChunker: maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens)
    throw new InvalidRequestError(
      `tokenChunker: overlapTokens must be an integer in [0, maxTokens), got ${overlapTokens}`,
    );
  return {
    name: `token-${maxTokens}-${overlapTokens}`,
    async chunk(document: RagDocument) {
      checkDocument(document);
      const tokenizer = await getTokenizer(options.encoding ?? "o200k_base");
      const length = (t: string) => tokenizer.count(t);
      const text = document.text;
      // Words with their leading whitespace, as the tokenizer's own pre-split groups them.
      const words: Array<[number, number]> = [];
      for (const m of text.matchAll(/\s*\S+|\s+$/g)) {
        const [s, e] = [m.index!, m.index! + m[0].length];
        // Byte-pair encoding of one long run costs time quadratic in its length, so runs longer
        // than a window could hold are cut into window-sized character pieces before counting.
        const pieces: Array<[number, number]> = [];
        if (e - s <= 4 * maxTokens) pieces.push([s, e]);
        else
          for (let from = s; from < e; ) {
            let to = Math.min(e, from + maxTokens);
            if (to < e && /[\uD800-\uDBFF]/.test(text[to - 1]!)) to++;
            pieces.push([from, to]);
            from = to;
          }
        for (const [ps, pe] of pieces) {
          if (length(text.slice(ps, pe)) <= maxTokens) words.push([ps, pe]);
          else words.push(...splitRecursive(text, ps, pe, maxTokens, [""], length));
        }
      }
      const sizes = words.map(([s, e]) => length(text.slice(s, e)));
      const windows = packPieces(words, sizes, maxTokens, overlapTokens);
      return buildChunks(
        document,
        windows.map(([start, end]) => ({ start, end })),
      );
    },
  };
}
