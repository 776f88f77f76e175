import type { Metadata } from "@keel/core/search";

/** A document to index: its text and the metadata every chunk of it carries. */
export interface RagDocument {
  /** Stable id chosen by the application (a path, a URL, a database key). */
  id: string;
  text: string;
  metadata?: Metadata;
}

/** A piece of a document, with where it came from for citations. */
export interface Chunk {
  /** Content hash of document id, start offset and text: stable across re-ingestion of the same text. */
  id: string;
  documentId: string;
  text: string;
  /** Offset of the first character in the document text (UTF-16 code units, as `String.slice`). */
  start: number;
  /** Offset just past the last character: `document.text.slice(start, end) === text`. */
  end: number;
  /** The Markdown / HTML headings the chunk sits under, outermost first. */
  headingPath: string[];
  /** Position of the chunk within its document, from 0. */
  index: number;
  metadata: Metadata;
}

/** A chunk with its embedding, as stores keep it. */
export interface ChunkRecord extends Chunk {
  vector: Float32Array;
  /** SHA-256 of the document text the chunk was cut from, to tell changed documents. */
  documentHash: string;
}

/** Splits documents into chunks. */
export interface Chunker {
  readonly name: string;
  chunk(document: RagDocument): Promise<Chunk[]>;
}
