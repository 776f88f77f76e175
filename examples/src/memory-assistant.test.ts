import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const script = fileURLToPath(new URL("./memory-assistant.ts", import.meta.url));

function assistant(args: string[]) {
  return promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script, ...args],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, KEEL_OFFLINE: "1" },
      timeout: 60_000,
    },
  );
}

it("remembers across processes in one SQLite file, keeps the history of a changed preference, and forgets", async () => {
  const dir = await mkdtemp(join(tmpdir(), "keel-memory-assistant-"));
  const db = join(dir, "memory.db");
  try {
    const first = await assistant(["--db", db, "--session", "1,2"]);
    expect(first.stdout).toContain("extraction: scripted extractor (offline; not an LLM");
    expect(first.stdout).toContain("remembered: added [preference] diet: Ana is vegetarian");
    expect(first.stdout).toContain(
      'remembered: updated [preference] diet: Ana is vegan (replaces "Ana is vegetarian")',
    );

    const later = await assistant(["--db", db, "--session", "3", "--forget"]);
    const recalled = [...later.stdout.matchAll(/ {2}recalled: (.*)\n/g)].map((m) => m[1]);
    expect(recalled).toContain("[preference] diet: Ana is vegan");
    expect(recalled).toContain("[episode] trip: Ana plans a trip to Porto in September");
    expect(recalled).not.toContain("[preference] diet: Ana is vegetarian");
    expect(later.stdout).toContain('diet history: "Ana is vegetarian" from 2025-03-01 to 2025-06-01');
    expect(later.stdout).toContain('diet history: "Ana is vegan" from 2025-06-01 (current)');
    expect(later.stdout).toContain("forgot Ana: 0 memories listed, 0 found by search afterwards");

    // A third process finds nothing of hers.
    const after = await assistant(["--db", db, "--session", "3"]);
    expect(after.stdout).not.toContain("recalled:");
    expect(after.stdout).not.toContain("diet history:");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
