import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import type { EvalRun } from "../runner/types.js";
import { progressBar } from "./progress-bar.js";
import { fileOutputCache, jsonlRunJournal, loadRun, saveRun } from "./run-files.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-eval-files-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("run files", () => {
  it("saves and loads runs, and refuses files that are not runs", async () => {
    const run: EvalRun = {
      id: "r1",
      name: "n",
      startedAt: "",
      finishedAt: "",
      seed: 0,
      config: {},
      cases: [],
      summary: {},
    };
    await saveRun(join(dir, "runs", "r1.json"), run);
    expect(await loadRun(join(dir, "runs", "r1.json"))).toEqual(run);
    await writeFile(join(dir, "x.json"), '{"hello":1}');
    await expect(loadRun(join(dir, "x.json"))).rejects.toThrow(/is not an eval run/);
    await expect(loadRun(join(dir, "missing.json"))).rejects.toBeInstanceOf(EvalInputError);
  });

  it("a journal survives a line torn by a crash, but not damage in the middle", async () => {
    const path = join(dir, "j.jsonl");
    const j = jsonlRunJournal(path);
    await j.append({ id: "a", input: "x", scores: {} });
    await j.append({ id: "b", input: "y", scores: {} });
    await appendFile(path, '{"id":"c","inp');
    expect((await j.load()).map((r) => r.id)).toEqual(["a", "b"]);
    await j.saveState!({ batchHandle: { batchId: "batch_1" } });
    expect(await j.loadState!()).toEqual({ batchHandle: { batchId: "batch_1" } });
    await writeFile(path, '{"id":"a","input":"x","scores":{}}\nbroken\n{"id":"b","input":"y","scores":{}}\n');
    await expect(j.load()).rejects.toThrow(/j.jsonl:2: journal line is not JSON/);
  });

  it("caches outputs in files", async () => {
    const cache = fileOutputCache(join(dir, "cache"));
    expect(await cache.get("k")).toBeUndefined();
    await cache.set("k", { output: "hello", costUsd: 0.1 });
    expect(await fileOutputCache(join(dir, "cache")).get("k")).toEqual({ output: "hello", costUsd: 0.1 });
  });
});

describe("progressBar", () => {
  it("redraws in place on a terminal and prints every tenth otherwise", () => {
    const tty: string[] = [];
    const bar = progressBar((t) => tty.push(t), { tty: true, width: 10 });
    bar({ done: 5, total: 10, failed: 1, cached: 0, resumed: 0, elapsedMs: 500, etaMs: 500 });
    expect(tty[0]).toBe("\r[#####-----] 5/10 1 failed eta 1s");
    const log: string[] = [];
    const plain = progressBar((t) => log.push(t), { tty: false, width: 4 });
    for (let done = 1; done <= 20; done++)
      plain({ done, total: 20, failed: 0, cached: 0, resumed: 0, elapsedMs: 0 });
    expect(log).toHaveLength(11);
    expect(log.at(-1)).toBe("[####] 20/20\n");
  });
});
