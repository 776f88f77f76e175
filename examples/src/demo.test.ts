import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./demo.ts", import.meta.url));
const cwd = fileURLToPath(new URL("..", import.meta.url));
// Offline whatever keys the machine running the tests has.
const env = { ...process.env, KEEL_OFFLINE: "1" };

function runDemo(args: string[]) {
  return promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script, ...args],
    {
      cwd,
      env,
      timeout: 90_000,
    },
  );
}

// Keeps the README's `npm run demo` true: every stage runs offline and prints what it claims.
describe("the main demo (offline)", () => {
  let out: string;
  let stdout: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "keel-demo-test-"));
    ({ stdout } = await runDemo(["--out", out]));
  }, 90_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("says plainly which model answers", () => {
    expect(stdout).toContain("model: offline extractive reader — not an LLM");
  });

  it("ingests the nine manual pages", () => {
    expect(stdout).toMatch(/1\) Ingest.*\n {3}9 documents, \d+ chunks/);
  });

  it("retrieves with both BM25 and vectors, the wraparound section first", () => {
    expect(stdout).toMatch(
      /\[1\] routine-vacuuming\.html › .*Preventing Transaction ID Wraparound Failures {2}bm25 #\d+ vector #\d+ fused/,
    );
    expect(stdout).toContain("[8] ");
  });

  it("fits the context by dropping the lowest-scoring passages, and reports the cut", () => {
    const [, before, after] = stdout.match(/(\d+) → (\d+) input tokens; kept passages/) ?? [];
    expect(Number(before)).toBeGreaterThan(1400);
    expect(Number(after)).toBeLessThanOrEqual(1400);
    expect(stdout).toMatch(
      /cut: drop-least-relevant: \d+ retrieved chunks with the lowest scores \(\d+ tokens\)/,
    );
  });

  it("answers with quoted sentences and resolves every citation to a passage it was given", () => {
    const answer = stdout.match(/4\) Answer with citations\n {3}answer: (.*)\n/)?.[1] ?? "";
    expect(answer).toMatch(/wraparound/i);
    const cited = [...answer.matchAll(/\[(\d+)\]/g)].map((m) => m[1]);
    expect(cited.length).toBeGreaterThan(0);
    for (const n of cited)
      expect(stdout).toMatch(new RegExp(`\\n {3}\\[${n}\\] routine-vacuuming\\.html › `));
    expect(stdout).not.toContain("cites passages it was not given");
  });

  it("blocks an injection before the model and redacts PII from what the model receives", () => {
    expect(stdout).toMatch(/→ blocked before the model: GuardBlockedError \(.*override-instructions/);
    expect(stdout).toContain(
      "→ the model received: \"I'm at [redacted:STREET_ADDRESS], email [redacted:EMAIL].",
    );
    expect(stdout).toContain("guard.flagged input redact: pii:STREET_ADDRESS, pii:EMAIL");
  });

  it("serves the repeated question from the cache with the same answer", () => {
    expect(stdout).toMatch(/served from the exact cache in \d+ ms \(first: \d+ ms\)/);
    const answers = [...stdout.matchAll(/ {3}answer: (.*)\n/g)].map((m) => m[1]);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toBe(answers[0]);
  });

  it("reports latency per stage, tokens, cost and the cut, and writes the trace as HTML", async () => {
    expect(stdout).toMatch(
      /stages: Ingest \d+ ms, Hybrid \d+ ms, Context \d+ ms, Answer \d+ ms, Guard \d+ ms, Cached \d+ ms\n/,
    );
    expect(stdout).toMatch(/tokens: \d+ in \/ \d+ out over 3 calls/);
    expect(stdout).toMatch(/extractive-reader +3 +1 /);
    expect(stdout).toMatch(/cut to fit: \d+ retrieved chunks/);
    const path = stdout.match(/trace: \d+ events → (.*)\n/)?.[1];
    expect(path).toBe(join(out, "trace.html"));
    const html = await readFile(path!, "utf8");
    expect(html).toContain("<title>Keel demo</title>");
    expect(html).toContain('data-total="cache-hits"><b>1</b>');
    expect(stdout).toMatch(/\nDone in \d+ ms\.\n$/);
  });
});

it("exits 1 and names the stage when a stage fails", async () => {
  const empty = await mkdtemp(join(tmpdir(), "keel-demo-empty-"));
  try {
    const failure = await runDemo(["--docs", empty, "--out", empty]).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/1\) Ingest.*\n {3}FAILED: StageCheckError: no documents in /);
    expect(failure?.stdout).not.toContain("2) Hybrid retrieval");
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}, 90_000);
