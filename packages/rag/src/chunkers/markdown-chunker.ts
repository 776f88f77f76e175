import type { Chunker, RagDocument } from "../types.js";
import { buildChunks, type Span } from "./build-chunks.js";
import { checkSizes, type RecursiveChunkerOptions, recursiveSpans } from "./recursive-chunker.js";

/** A section of a Markdown text: the range under one heading, and the path of headings above it. */
export interface MarkdownSection {
  start: number;
  end: number;
  headingPath: string[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** Cuts Markdown at ATX headings (`#` … `######`, not inside code fences) into sections with their heading paths. */
export function markdownSections(text: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  const path: Array<{ level: number; title: string }> = [];
  let sectionStart = 0;
  let currentPath: string[] = [];
  let inFence: string | undefined;
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineStart = offset;
    offset += line.length + 1;
    const fence = FENCE.exec(line);
    if (fence) {
      if (inFence === undefined) inFence = fence[1];
      else if (fence[1] === inFence) inFence = undefined;
      continue;
    }
    if (inFence !== undefined) continue;
    const heading = HEADING.exec(line.replace(/\r$/, ""));
    if (!heading) continue;
    if (lineStart > sectionStart)
      sections.push({ start: sectionStart, end: lineStart, headingPath: currentPath });
    const level = heading[1]!.length;
    while (path.length > 0 && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, title: heading[2]!.trim() });
    currentPath = path.map((p) => p.title);
    sectionStart = lineStart;
  }
  if (text.length > sectionStart)
    sections.push({ start: sectionStart, end: text.length, headingPath: currentPath });
  return sections;
}

/**
 * A chunker that never lets a chunk span two Markdown sections: each section (heading line
 * included) is cut with the recursive chunker, and every chunk carries the section's heading path.
 */
export function markdownChunker(options: RecursiveChunkerOptions = {}): Chunker {
  const chunkSize = options.chunkSize ?? 1000;
  const overlap = options.overlap ?? Math.min(150, Math.floor(chunkSize / 5));
  checkSizes("markdownChunker", chunkSize, overlap);
  return {
    name: `markdown-${chunkSize}-${overlap}`,
    async chunk(document: RagDocument) {
      const spans: Span[] = [];
      for (const section of markdownSections(document.text))
        spans.push(
          ...recursiveSpans(
            document.text,
            section.start,
            section.end,
            { ...options, chunkSize, overlap },
            section.headingPath,
          ),
        );
      return buildChunks(document, spans);
    },
  };
}
