import { InvalidRequestError } from "@keel/core";
import type { Chunker, RagDocument } from "../types.js";
import { buildChunks } from "./build-chunks.js";
import { packPieces } from "./recursive-chunker.js";

/** Options of the sentence chunker. */
export interface SentenceChunkerOptions {
  /** Largest chunk in characters; a longer sentence becomes a chunk of its own. Default 1000. */
  chunkSize?: number;
  /** Characters of whole sentences the next chunk repeats. Default 0. */
  overlap?: number;
  /** Locale for sentence boundaries (`Intl.Segmenter`). Default "en". */
  locale?: string;
}

/** Sentence ranges of a text by Unicode sentence boundaries (`Intl.Segmenter`, UAX #29). */
export function sentenceRanges(text: string, locale = "en"): Array<[number, number]> {
  const segmenter = new Intl.Segmenter(locale, { granularity: "sentence" });
  const out: Array<[number, number]> = [];
  for (const s of segmenter.segment(text)) out.push([s.index, s.index + s.segment.length]);
  return out;
}

/** A chunker that packs whole sentences up to `chunkSize` characters. */
export function sentenceChunker(options: SentenceChunkerOptions = {}): Chunker {
  const chunkSize = options.chunkSize ?? 1000;
  const overlap = options.overlap ?? 0;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new InvalidRequestError(`sentenceChunker: chunkSize must be a positive integer, got ${chunkSize}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= chunkSize)
    throw new InvalidRequestError(
      `sentenceChunker: overlap must be an integer in [0, chunkSize), got ${overlap}`,
    );
  return {
    name: `sentence-${chunkSize}-${overlap}`,
    async chunk(document: RagDocument) {
      const pieces = sentenceRanges(document.text, options.locale);
      const sizes = pieces.map(([s, e]) => e - s);
      return buildChunks(
        document,
        packPieces(pieces, sizes, chunkSize, overlap).map(([start, end]) => ({ start, end })),
      );
    },
  };
}
