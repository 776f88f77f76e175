export { buildChunks, type Span } from "./build-chunks.js";
export { checkDocument, MAX_DOCUMENT_CHARS } from "./check-document.js";
export { type MarkdownSection, markdownChunker, markdownSections } from "./markdown-chunker.js";
export { type RecursiveChunkerOptions, recursiveChunker } from "./recursive-chunker.js";
export { type SentenceChunkerOptions, sentenceChunker, sentenceRanges } from "./sentence-chunker.js";
export { type TokenChunkerOptions, tokenChunker } from "./token-chunker.js";
