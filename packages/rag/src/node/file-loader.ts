import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import type { Metadata } from "@keel/core/search";
import { DocumentError } from "../errors.js";
import { loadHtml } from "../loaders/html-loader.js";
import { loadMarkdown } from "../loaders/markdown-loader.js";
import { loadJson, loadJsonl, type RecordFields } from "../loaders/records-loader.js";
import { loadText } from "../loaders/text-loader.js";
import type { RagDocument } from "../types.js";

const TEXT = new Set([".txt", ".text", ".log", ".csv", ".tsv", ".rst"]);

/**
 * Loads a file as documents by its extension: Markdown, HTML, JSON / JSONL records (one document
 * each), plain text. The document id is `id` or the path. Other extensions are refused.
 */
export async function loadFile(
  path: string,
  options: { id?: string; metadata?: Metadata; records?: RecordFields } = {},
): Promise<RagDocument[]> {
  const id = options.id ?? path;
  const bytes = new Uint8Array(await readFile(path));
  const ext = extname(path).toLowerCase();
  const metadata = { source: path, ...options.metadata };
  if (ext === ".md" || ext === ".markdown") return [loadMarkdown(id, bytes, metadata)];
  if (ext === ".html" || ext === ".htm") return [loadHtml(id, bytes, metadata)];
  if (ext === ".json") return loadJson(bytes, options.records, id);
  if (ext === ".jsonl" || ext === ".ndjson") return loadJsonl(bytes, options.records, id);
  if (TEXT.has(ext)) return [loadText(id, bytes, metadata)];
  throw new DocumentError(id, `no loader for "${ext || "(no extension)"}" files`);
}

/** Every loadable file under a directory, as documents whose ids are paths relative to it. */
export async function* loadDirectory(
  dir: string,
  options: { extensions?: string[] } = {},
): AsyncGenerator<RagDocument> {
  const allowed = new Set(
    options.extensions ?? [".md", ".markdown", ".html", ".htm", ".txt", ".json", ".jsonl"],
  );
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && allowed.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) yield* await loadFile(file, { id: relative(dir, file) });
}
