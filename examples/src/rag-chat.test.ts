import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./rag-chat.ts", import.meta.url));
const cwd = fileURLToPath(new URL("..", import.meta.url));
const POSTGRES_URL = process.env.KEEL_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function ragChat(args: string[]) {
  return promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script, ...args],
    {
      cwd,
      env: { ...process.env, KEEL_OFFLINE: "1" },
      timeout: 90_000,
    },
  );
}

/** Every cited passage of a transcript resolves to a listed source line right after the answer. */
function expectCitedAnswers(stdout: string, turns: number) {
  const answers = [...stdout.matchAll(/\nassistant: (.*)\n((?: {2}\[\d+\] .*\n)+)/g)];
  expect(answers).toHaveLength(turns);
  for (const [, text, sources] of answers) {
    const cited = new Set([...text!.matchAll(/\[(\d+)\]/g)].map((m) => m[1]));
    const listed = new Set([...sources!.matchAll(/ {2}\[(\d+)\] \S+\.html › /g)].map((m) => m[1]));
    expect(listed).toEqual(cited);
  }
}

describe.concurrent("rag-chat", () => {
  it("chats over the in-memory store, fitting history and passages to the budget", async () => {
    const { stdout } = await ragChat(["--store", "memory", "--budget", "1300"]);
    expect(stdout).toContain("store: memory; model: offline extractive reader");
    expect(stdout).toMatch(/ingested: 9 added, 0 updated, 0 unchanged, \d+ chunks written/);
    expectCitedAnswers(stdout, 3);
    expect(stdout).toMatch(/assistant: .*Repeatable Read.*\[\d\]/);
    expect(stdout).toMatch(/assistant: .*B-tree, Hash, GiST.*\[\d\]/);
    expect(stdout).toMatch(/assistant: .*WAL.*\[\d\]/);
    // By the third turn the history and six passages are over 1,300 tokens: something was cut.
    const tokens = [...stdout.matchAll(/\((\d+) input tokens/g)].map((m) => Number(m[1]));
    expect(tokens.every((t) => t <= 1300)).toBe(true);
    expect(stdout).toMatch(/cut (drop-least-relevant|drop-middle): /);
  });

  it("chats over pgvector on the real PostgreSQL, and a re-run re-indexes nothing", async () => {
    const table = `keel_examples_rag_chat_${randomBytes(4).toString("hex")}`;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    try {
      const args = ["--store", "pgvector", "--postgres-url", POSTGRES_URL, "--name", table];
      const first = await ragChat([...args, "--ask", "Which index types does PostgreSQL provide?"]);
      expect(first.stdout).toMatch(/ingested: 9 added, 0 updated, 0 unchanged, (\d+) chunks written/);
      expectCitedAnswers(first.stdout, 1);
      expect(first.stdout).toMatch(/assistant: .*B-tree, Hash, GiST/);
      const chunks = Number(first.stdout.match(/(\d+) chunks written/)![1]);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT tenant)::int AS tenants FROM "${table}"`,
      );
      expect(rows[0]).toEqual({ n: chunks, tenants: 1 });
      const again = await ragChat([...args, "--ask", "What is a GIN index?"]);
      expect(again.stdout).toContain("ingested: 0 added, 0 updated, 9 unchanged, 0 chunks written");
      expectCitedAnswers(again.stdout, 1);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });

  // No Qdrant server runs here, and @keel/rag's Qdrant-compatible test server is a private fixture
  // of that package (src/__fixtures__), not an entry: this checks only the flag's wiring and error.
  it("fails with a typed error and exit 1 when --store qdrant finds no server", async () => {
    const failure = await ragChat(["--store", "qdrant", "--qdrant-url", "http://127.0.0.1:9"]).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain("rag-chat failed: StoreUnavailableError: qdrant: unreachable");
  });
});
