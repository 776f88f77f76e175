import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EventHub } from "../events.js";
import { fileLineWriter } from "../node/line-writer.js";
import { recordWorkflowLog } from "../telemetry/__fixtures__/workflow-log.js";
import { jsonLinesLogger } from "../telemetry/jsonl-logger.js";
import { runCli } from "./run-cli.js";
import { defaultOutput } from "./trace-command.js";

let dir: string;
let log: string;

function io() {
  const out = { stdout: "", stderr: "" };
  const cli = {
    stdout: (text: string) => {
      out.stdout += text;
    },
    stderr: (text: string) => {
      out.stderr += text;
    },
  };
  return { out, io: cli };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-cli-"));
  vi.useFakeTimers({ now: Date.UTC(2026, 4, 1, 9, 30) });
  const pending = recordWorkflowLog();
  await vi.runAllTimersAsync();
  const lines = await pending;
  vi.useRealTimers();
  log = join(dir, "events.jsonl");
  await writeFile(log, `${lines.join("\n")}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("keel trace", () => {
  it("writes the page next to the log by default", async () => {
    const { out, io: cli } = io();
    expect(await runCli(["trace", log], cli)).toBe(0);
    expect(out.stderr).toMatch(/29 events → .*events\.html/);
    const html = await readFile(join(dir, "events.html"), "utf8");
    expect(html.match(/data-row="step"/g)).toHaveLength(5);
    expect(html.match(/data-row="model"/g)).toHaveLength(4);
    expect(html).toContain("events.jsonl");
  });

  it("writes to -o, or to stdout with -o -, with a title", async () => {
    const target = join(dir, "custom.html");
    expect(await runCli(["trace", log, "-o", target, "--title", "Nightly run"], io().io)).toBe(0);
    expect(await readFile(target, "utf8")).toContain("<title>Nightly run</title>");
    const { out, io: cli } = io();
    expect(await runCli(["trace", log, "-o", "-"], cli)).toBe(0);
    expect(out.stdout.startsWith("<!doctype html>")).toBe(true);
  });

  it("fails clearly on a bad log, a missing file and bad usage", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, '{"type":"x","time":1}\n{broken\n');
    let r = io();
    expect(await runCli(["trace", bad], r.io)).toBe(1);
    expect(r.out.stderr).toMatch(/bad\.jsonl: event log line 2: not JSON/);
    r = io();
    expect(await runCli(["trace", join(dir, "missing.jsonl")], r.io)).toBe(1);
    expect(r.out.stderr).toMatch(/ENOENT/);
    r = io();
    expect(await runCli(["trace"], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/give exactly one log file/);
    r = io();
    expect(await runCli(["trace", log, "--colour"], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/Unknown option '--colour'/);
    r = io();
    expect(await runCli(["nope"], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/unknown command "nope"/);
  });

  it("names the default output after the log", () => {
    expect(defaultOutput("/x/run.jsonl")).toBe("/x/run.html");
    expect(defaultOutput("/x/run.log")).toBe("/x/run.log.html");
  });

  it("runs as an executable", async () => {
    const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
    const entry = fileURLToPath(new URL("./keel.ts", import.meta.url));
    const target = join(dir, "bin.html");
    const { stderr } = await promisify(execFile)(tsx, [entry, "trace", log, "-o", target]);
    expect(stderr).toMatch(/29 events/);
    expect(existsSync(target)).toBe(true);
  });
});

describe("fileLineWriter", () => {
  it("appends JSON lines from a logger to a file", async () => {
    const path = join(dir, "out.jsonl");
    const hub = new EventHub();
    for (let round = 0; round < 2; round++) {
      const file = fileLineWriter(path);
      const stop = jsonLinesLogger({ events: hub, write: file.write });
      hub.emit("hedge.sent", { model: "m", afterMs: round });
      stop();
      await file.close();
    }
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(lines.map((l) => JSON.parse(l).afterMs)).toEqual([0, 1]);
  });

  it("reports a write error on close", async () => {
    const file = fileLineWriter(join(dir, "no-such-dir", "x.jsonl"));
    file.write("{}");
    await expect(file.close()).rejects.toThrow(/ENOENT/);
  });
});
