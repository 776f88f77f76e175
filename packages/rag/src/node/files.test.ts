import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { markdownChunker } from "../chunkers/markdown-chunker.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { createIngestor } from "../ingest/ingest.js";
import { MemoryStore } from "../stores/memory-store.js";
import { loadDirectory, loadFile } from "./file-loader.js";
import { ingestProgressBar } from "./progress-bar.js";
import { loadSnapshot, saveSnapshot } from "./snapshot.js";

const dir = mkdtempSync(join(tmpdir(), "keel-rag-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("node: files, progress bar, snapshots", () => {
  it("loads a directory by extension and ingests it with a progress bar, then saves and loads a snapshot", async () => {
    mkdirSync(join(dir, "docs/sub"), { recursive: true });
    writeFileSync(join(dir, "docs/guide.md"), "# Guide\n\n## Install\n\nRun the installer.\n");
    writeFileSync(join(dir, "docs/sub/page.html"), "<title>Page</title><h1>About</h1><p>We make tools.</p>");
    writeFileSync(join(dir, "docs/notes.txt"), "Plain notes about tools.");
    writeFileSync(join(dir, "docs/records.jsonl"), '{"id":"r1","text":"Record one about installers."}\n');
    writeFileSync(join(dir, "docs/image.png"), "not text");
    const documents = [];
    for await (const d of loadDirectory(join(dir, "docs"))) documents.push(d);
    expect(documents.map((d) => d.id)).toEqual(["guide.md", "notes.txt", "r1", "sub/page.html"]);
    await expect(loadFile(join(dir, "docs/image.png"))).rejects.toThrow(/no loader for ".png"/);
    writeFileSync(join(dir, "bad.txt"), Buffer.from([0x61, 0xc3, 0x28]));
    await expect(loadFile(join(dir, "bad.txt"), { id: "bad" })).rejects.toThrow(/"bad": is not valid UTF-8/);

    const out = new PassThrough();
    let text = "";
    out.on("data", (c) => (text += c));
    const bar = ingestProgressBar({ stream: out });
    const store = new MemoryStore({ dimensions: 64 });
    const ingestor = createIngestor({
      store,
      chunker: markdownChunker(),
      embedder: defaultEmbedder({ dimensions: 64 }),
      onProgress: bar.onProgress,
    });
    await ingestor.ingest(documents, { tenant: "t" });
    bar.stop();
    expect(text).toContain("4/4");
    expect(text).toContain("+4");
    const install = (await store.searchText!("installer", { tenant: "t", k: 5 })).find(
      (h) => h.chunk.documentId === "guide.md",
    )!;
    expect(install.chunk.headingPath).toEqual(["Guide", "Install"]);

    const file = join(dir, "snapshot.json");
    await saveSnapshot(store, file);
    const restored = await loadSnapshot(file);
    expect(await restored.list("t")).toEqual(await store.list("t"));
    writeFileSync(join(dir, "junk.json"), "{");
    await expect(loadSnapshot(join(dir, "junk.json"))).rejects.toThrow(/not a readable JSON snapshot/);
  });
});
