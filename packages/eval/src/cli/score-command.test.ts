import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const fixture = fileURLToPath(new URL("../metrics/__fixtures__/reference-cases.jsonl", import.meta.url));
const corpora = JSON.parse(
  readFileSync(new URL("../metrics/__fixtures__/reference-corpora.json", import.meta.url), "utf8"),
) as Array<Record<string, number>>;
const reference = readFileSync(fixture, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, any>);
const KEYS = [
  "bleu",
  "bleu_smooth1",
  "bleu_smooth4",
  "sacrebleu",
  "meteor",
  "exact_match",
  "squad_em",
  "squad_f1",
];
const ROUGE = ["rouge1", "rouge2", "rougeL", "rouge1_stem", "rouge2_stem", "rougeL_stem"];

function collect(stdin = "") {
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
      stdin: async () => stdin,
    },
  };
}

// CI installs wordnet-base; only a developer machine without it skips the METEOR comparison.
if (!existsSync("/usr/share/wordnet") && process.env.CI)
  throw new Error("/usr/share/wordnet missing: CI must install wordnet-base");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keel-eval-cli-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("keel-eval score", () => {
  it.skipIf(!existsSync("/usr/share/wordnet"))(
    "writes the issue's keys, one line per case, equal to the reference values",
    async () => {
      const input = reference.map(({ id, hypothesis, references }) =>
        JSON.stringify({ id, hypothesis, references }),
      );
      const file = join(dir, "cases.jsonl");
      await writeFile(file, `${input.join("\n")}\n`);
      const r = collect();
      expect(await runCli(["score", file, "--wordnet", "/usr/share/wordnet"], r.io)).toBe(0);
      const lines = r.out.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines).toHaveLength(reference.length);
      let worst = 0;
      lines.forEach((line, i) => {
        const ref = reference[i]!;
        expect(line.id).toBe(ref.id);
        expect(Object.keys(line).sort()).toEqual(["id", ...KEYS, ...ROUGE].sort());
        for (const k of KEYS)
          if (ref[k] === null) expect(line[k]).toBeNull();
          else worst = Math.max(worst, Math.abs(line[k] - ref[k]));
        for (const k of ROUGE)
          for (const p of ["p", "r", "f"]) worst = Math.max(worst, Math.abs(line[k][p] - ref[k][p]));
      });
      expect(worst).toBeLessThan(1e-9);
    },
  );

  it.skipIf(!existsSync("/usr/share/wordnet"))(
    "runs as an executable reading standard input",
    async () => {
      const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
      const entry = fileURLToPath(new URL("./keel-eval.ts", import.meta.url));
      const some = reference.slice(0, 20);
      const child = execFile(tsx, ["--conditions=@keel/source", entry, "score", "-"], { maxBuffer: 1 << 24 });
      child.stdin!.end(
        some
          .map(({ id, hypothesis, references }) => JSON.stringify({ id, hypothesis, references }))
          .join("\n"),
      );
      let stdout = "";
      child.stdout!.on("data", (d) => {
        stdout += d;
      });
      const code = await new Promise((resolve) => child.on("close", resolve));
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines.map((l) => l.id)).toEqual(some.map((c) => c.id));
      lines.forEach((l, i) => {
        expect(Math.abs(l.meteor - some[i]!.meteor)).toBeLessThan(1e-9);
      });
    },
    60_000,
  );

  it("--corpus writes one line of corpus BLEU and sacreBLEU over the cases in order", async () => {
    const c = corpora[1]!;
    const part = reference.slice(c.start!, c.start! + c.size!);
    const r = collect(
      part.map((x) => JSON.stringify({ hypothesis: x.hypothesis, references: x.references })).join("\n"),
    );
    expect(await runCli(["score", "-", "--corpus"], r.io)).toBe(0);
    const line = JSON.parse(r.out.stdout) as Record<string, number>;
    for (const k of ["bleu", "bleu_smooth1", "bleu_smooth4", "sacrebleu"])
      expect(Math.abs(line[k]! - c[k]!)).toBeLessThan(1e-9);
    expect(Object.keys(line)).toEqual(["bleu", "bleu_smooth1", "bleu_smooth4", "sacrebleu"]);
  });

  it("names every malformed line and writes nothing", async () => {
    const r = collect(
      [
        '{"id":1,"hypothesis":"a b","references":["a b"]}',
        "{not json",
        '{"id":3,"hypothesis":7,"references":["x"]}',
        '{"id":4,"hypothesis":"x","references":[]}',
        '{"id":5,"hypothesis":"x","references":["ok", 3]}',
      ].join("\n"),
    );
    expect(await runCli(["score", "-", "--no-wordnet"], r.io)).toBe(1);
    expect(r.out.stdout).toBe("");
    expect(r.out.stderr).toMatch(/4 malformed lines/);
    for (const n of [2, 3, 4, 5]) expect(r.out.stderr).toMatch(new RegExp(`stdin:${n}: `));
    expect(r.out.stderr).toMatch(/references\[1\] must be a string/);
  });

  it("writes null sacrebleu, with a warning, when every reference is empty", async () => {
    const r = collect('{"id":"e","hypothesis":"a","references":[""]}');
    expect(await runCli(["score", "-", "--no-wordnet"], r.io)).toBe(0);
    expect(JSON.parse(r.out.stdout).sacrebleu).toBeNull();
    expect(r.out.stderr).toMatch(/case e: every reference is empty/);
  });

  it("refuses a missing WordNet directory with a message that says what to do", async () => {
    const r = collect('{"hypothesis":"a","references":["a"]}');
    expect(await runCli(["score", "-", "--wordnet", join(dir, "nope")], r.io)).toBe(1);
    expect(r.out.stderr).toMatch(/no WordNet database at .*--no-wordnet/);
  });

  it("exits 2 on unknown commands", async () => {
    const r = collect();
    expect(await runCli(["nope"], r.io)).toBe(2);
    expect(r.out.stderr).toMatch(/unknown command "nope"/);
  });
});
