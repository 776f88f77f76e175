import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadHtml, type RagDocument } from "@keel/rag";

// DocBook pages repeat their navigation bars and a table of contents on every page: text that
// matches every query and answers none. They are cut before loading, nothing else is.
const BOILERPLATE = [
  /<div class="navheader">[\s\S]*?<\/table>\s*<hr \/>\s*<\/div>/g,
  /<div class="navfooter">[\s\S]*?<\/table>\s*<\/div>/g,
  /<div class="toc">[\s\S]*?<\/dl>\s*<\/div>/g,
];

/** The HTML pages of a DocBook manual in `dir` (the PostgreSQL docs), as documents with the file name as id. */
export async function loadManualPages(dir: string): Promise<RagDocument[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".html")).sort();
  return Promise.all(
    files.map(async (name) => {
      let html = await readFile(join(dir, name), "utf8");
      for (const pattern of BOILERPLATE) html = html.replace(pattern, "");
      return loadHtml(name, html, { source: join(dir, name) });
    }),
  );
}
