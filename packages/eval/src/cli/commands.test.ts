import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const config = fileURLToPath(new URL("./__fixtures__/capitals.config.ts", import.meta.url));

function collect() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-eval-run-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.KEEL_EVAL_VARIANT;
});

/** Loads the config fresh (the variant is read at import time). */
async function run(variant: string, ...extra: string[]) {
  process.env.KEEL_EVAL_VARIANT = variant;
  const r = collect();
  const code = await runCli(["run", config, "--out", join(dir, variant), "--quiet", ...extra], r.io);
  return {
    code,
    ...r.out,
    line: r.out.stdout ? (JSON.parse(r.out.stdout) as Record<string, any>) : undefined,
  };
}

describe("keel-eval run / compare / report", () => {
  let good: string;
  let bad: string;

  it("runs a config: stores the run, its journal and an HTML report", async () => {
    const r = await run("good");
    expect(r.code).toBe(0);
    good = r.line!.run;
    expect(existsSync(good)).toBe(true);
    expect(existsSync(r.line!.report)).toBe(true);
    expect(existsSync(good.replace(/\.json$/, ".journal.jsonl"))).toBe(true);
    expect(r.line!.summary.squad_em).toEqual({ mean: 1, n: 6, passRate: 1 });
    expect(r.stderr).toMatch(/# Eval: capitals/);
  });

  it("exits 1 when a run regresses against its baseline", async () => {
    const r = await run("bad", "--baseline", good);
    expect(r.code).toBe(1);
    bad = r.line!.run;
    expect(r.line!.passed).toBe(false);
    expect(r.stderr).toMatch(/\*\*FAILED\*\*/);
    expect(await readFile(r.line!.report, "utf8")).toMatch(/data-verdict="failed"/);
  });

  it("compare gates: default fails on a significant drop, a generous gate passes", async () => {
    const strict = collect();
    expect(await runCli(["compare", bad, good], strict.io)).toBe(1);
    expect(strict.out.stdout).toMatch(/squad_em .*\*\*failed\*\*/);
    const same = collect();
    expect(await runCli(["compare", good, good], same.io)).toBe(0);
    const generous = collect();
    expect(
      await runCli(
        ["compare", bad, good, "--gate", "squad_em:0.6", "--gate", "squad_f1:0.6", "--json"],
        generous.io,
      ),
    ).toBe(0);
    expect(JSON.parse(generous.out.stdout).passed).toBe(true);
    const floor = collect();
    expect(await runCli(["compare", good, good, "--gate", "squad_em>=1.1"], floor.io)).toBe(1);
    const bad_gate = collect();
    expect(await runCli(["compare", good, good, "--gate", "squad_em"], bad_gate.io)).toBe(1);
    expect(bad_gate.out.stderr).toMatch(/use metric:MAXDROP or metric>=MIN/);
  });

  it("report writes HTML, Markdown or JSON", async () => {
    const md = join(dir, "r.md");
    const r = collect();
    expect(await runCli(["report", bad, "--baseline", good, "-o", md], r.io)).toBe(0);
    expect(await readFile(md, "utf8")).toMatch(/## Largest drops/);
    const json = join(dir, "r.json");
    expect(await runCli(["report", bad, "--format", "json", "-o", json], collect().io)).toBe(0);
    expect(JSON.parse(await readFile(json, "utf8")).cases).toBe(6);
    const missing = collect();
    expect(await runCli(["report", join(dir, "nope.json")], missing.io)).toBe(1);
    expect(missing.out.stderr).toMatch(/does not exist/);
  });

  it("resumes a run by id and refuses an unknown one", async () => {
    const id = (JSON.parse(await readFile(good, "utf8")) as { id: string }).id;
    const again = await run("good", "--resume", id, "--out", join(dir, "good"));
    expect(again.code).toBe(0);
    const nope = await run("good", "--resume", "no-such-run");
    expect(nope.code).toBe(1);
    expect(nope.stderr).toMatch(/no journal for run no-such-run/);
  });
});

describe("keel-eval dataset", () => {
  it("turns logged calls with negative feedback into cases", async () => {
    const log = join(dir, "events.jsonl");
    const events = [
      {
        type: "model.call.started",
        time: 1,
        callId: "c1",
        provider: "openai",
        model: "m",
        stream: false,
        input: [{ role: "user", content: "mail me at a@b.io" }],
      },
      {
        type: "model.call.finished",
        time: 2,
        callId: "c1",
        provider: "openai",
        model: "m",
        usage: {},
        finishReason: "stop",
        durationMs: 5,
        output: [{ type: "text", text: "ok" }],
        context: { tenant: "t1" },
      },
      {
        type: "model.call.started",
        time: 3,
        callId: "c2",
        provider: "openai",
        model: "m",
        stream: false,
        input: [{ role: "user", content: "hi" }],
      },
      {
        type: "model.call.finished",
        time: 4,
        callId: "c2",
        provider: "openai",
        model: "m",
        usage: {},
        finishReason: "stop",
        durationMs: 5,
        output: [{ type: "text", text: "hello" }],
      },
      { type: "feedback.recorded", time: 5, targetId: "c1", target: "call", score: 0, label: "wrong" },
      { type: "feedback.recorded", time: 6, targetId: "c2", target: "call", score: 1 },
    ];
    await writeFile(log, events.map((e) => JSON.stringify(e)).join("\n"));
    const out = join(dir, "cases.jsonl");
    const r = collect();
    expect(
      await runCli(
        ["dataset", "--from", log, "--feedback", "negative", "--since", "1970-01-01", "-o", out],
        r.io,
      ),
    ).toBe(0);
    const cases = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      id: "c1",
      input: [{ role: "user", content: "mail me at [redacted:email]" }],
      tags: { tenant: "t1" },
    });
    expect(r.out.stderr).toMatch(/1 cases written .* 1 calls left out by the filter/);
    const bad = collect();
    expect(await runCli(["dataset", "--from", log, "--since", "yesterday-ish"], bad.io)).toBe(1);
    expect(bad.out.stderr).toMatch(/--since must be an ISO date/);
  });
});
