import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import type { IngestJournal } from "../ingest/ingest-journal.js";

/**
 * An ingestion journal in an append-only JSON Lines file, fsynced on every entry, so it survives
 * a crash or SIGKILL of the process: the next run reads which documents were left pending.
 */
export function fileIngestJournal(path: string): IngestJournal {
  const append = (entry: { op: "begin" | "commit"; tenant: string; ids: readonly string[] }) => {
    const fd = openSync(path, "a");
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  return {
    async begin(tenant, ids) {
      append({ op: "begin", tenant, ids });
    },
    async commit(tenant, ids) {
      append({ op: "commit", tenant, ids });
    },
    async pending(tenant) {
      const open = new Set<string>();
      if (!existsSync(path)) return open;
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.trim()) continue;
        let entry: { op: string; tenant: string; ids: string[] };
        try {
          entry = JSON.parse(line);
        } catch {
          // A torn last line (killed mid-write) was never acknowledged: its batch counts as pending
          // only through the begin entries that did land.
          continue;
        }
        if (entry.tenant !== tenant) continue;
        for (const id of entry.ids) entry.op === "begin" ? open.add(id) : open.delete(id);
      }
      return open;
    },
  };
}
