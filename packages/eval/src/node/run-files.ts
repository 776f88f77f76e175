import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EvalInputError } from "../errors/index.js";
import type { OutputCache } from "../runner/output-cache.js";
import type { RunJournal } from "../runner/run-journal.js";
import type { CaseResult, EvalRun, TaskOutput } from "../runner/types.js";

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Writes a run as JSON (atomically: a crash never leaves half a file). */
export async function saveRun(path: string, run: EvalRun): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(run, null, 1)}\n`);
}

/** Reads a run written by `saveRun`, checking its shape. */
export async function loadRun(path: string): Promise<EvalRun> {
  if (!existsSync(path)) throw new EvalInputError(`run file ${path} does not exist`);
  let run: EvalRun;
  try {
    run = JSON.parse(await readFile(path, "utf8")) as EvalRun;
  } catch (e) {
    throw new EvalInputError(`run file ${path} is not JSON: ${(e as Error).message}`);
  }
  if (typeof run?.id !== "string" || !Array.isArray(run.cases) || typeof run.summary !== "object")
    throw new EvalInputError(`${path} is not an eval run (needs id, cases and summary)`);
  return run;
}

/**
 * A run journal in a JSON-lines file (one finished case per line) plus a `.state.json` beside it.
 * A line cut short by a crash is ignored on load, and that case simply runs again.
 */
export function jsonlRunJournal(path: string): RunJournal {
  const statePath = `${path}.state.json`;
  return {
    async load() {
      if (!existsSync(path)) return [];
      const out: CaseResult[] = [];
      const lines = (await readFile(path, "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        try {
          out.push(JSON.parse(line) as CaseResult);
        } catch (e) {
          // Only the last line can be torn by a crash; anything else means the file was damaged.
          if (i < lines.length - 2)
            throw new EvalInputError(`journal line is not JSON: ${(e as Error).message}`, {
              line: i + 1,
              source: path,
            });
        }
      });
      return out;
    },
    async append(result) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify(result)}\n`);
    },
    async loadState() {
      return existsSync(statePath)
        ? (JSON.parse(await readFile(statePath, "utf8")) as Record<string, unknown>)
        : undefined;
    },
    async saveState(state) {
      await writeAtomic(statePath, JSON.stringify(state));
    },
  };
}

/** An output cache of one JSON file per entry in `dir`, shared between runs and processes. */
export function fileOutputCache(dir: string): OutputCache {
  return {
    async get(key) {
      const p = join(dir, `${key}.json`);
      if (!existsSync(p)) return undefined;
      return JSON.parse(await readFile(p, "utf8")) as TaskOutput;
    },
    async set(key, value) {
      await writeAtomic(join(dir, `${key}.json`), JSON.stringify(value));
    },
  };
}
