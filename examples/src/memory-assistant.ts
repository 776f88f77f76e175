/**
 * An assistant that remembers a user across sessions, in one SQLite file.
 *
 *   npx tsx --conditions=@keel/source examples/src/memory-assistant.ts [--db FILE] [--session 1,2,3] [--forget]
 *
 * Session 1 (March): Ana says she is vegetarian and lives in Lisbon. Session 2 (June): she went
 * vegan and plans a trip to Porto. Session 3 (September), on a fresh process if you like: what the
 * assistant recalls for "suggest a dinner for me in Porto", and the history of her diet (the old
 * preference kept, closed on the day it changed). `--forget` then erases everything of hers.
 * Each session opens the store anew, so everything recalled came from the file. Memories are
 * extracted by the model `chooseModel` picks; offline, by a scripted extractor that says so.
 * Needs better-sqlite3 (the full install).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { lexicalEmbedder } from "@keel/core/cache";
import { type ConversationTurn, LongTermMemory } from "@keel/memory";
import { SqliteStateStore } from "@keel/memory/node";
import { type ScriptedMemory, scriptedExtractor } from "./memory-assistant/scripted-extractor.js";
import { chooseModel } from "./shared/choose-model.js";

const { values: flags } = parseArgs({
  options: {
    db: { type: "string", default: join(tmpdir(), "keel-memory-assistant.db") },
    session: { type: "string", default: "1,2,3" },
    forget: { type: "boolean", default: false },
  },
});
const out = (line = "") => process.stdout.write(`${line}\n`);
const ana = { tenant: "acme", user: "ana" };

const SESSIONS: Record<string, { date: string; turns: Array<{ id: string; text: string }> }> = {
  "1": {
    date: "2025-03-01",
    turns: [{ id: "s1-1", text: "Hi, I'm Ana. I'm vegetarian, and I live in Lisbon." }],
  },
  "2": {
    date: "2025-06-01",
    turns: [
      { id: "s2-1", text: "Quick update: I went vegan last month." },
      { id: "s2-2", text: "I'm planning a trip to Porto in September." },
    ],
  },
};
const EXTRACTIONS: Record<string, ScriptedMemory[]> = {
  "s1-1": [
    { action: "add", kind: "preference", subject: "diet", content: "Ana is vegetarian", importance: 0.8 },
    { action: "add", kind: "fact", subject: "home", content: "Ana lives in Lisbon", importance: 0.6 },
  ],
  "s2-1": [
    { action: "update", kind: "preference", subject: "diet", content: "Ana is vegan", importance: 0.8 },
  ],
  "s2-2": [
    {
      action: "add",
      kind: "episode",
      subject: "trip",
      content: "Ana plans a trip to Porto in September",
      importance: 0.5,
    },
  ],
};

async function extractorModel() {
  const chosen = await chooseModel();
  if (chosen.kind !== "offline") return { model: chosen.model, description: chosen.description };
  return {
    model: scriptedExtractor(EXTRACTIONS),
    description:
      "scripted extractor (offline; not an LLM: the memories each turn yields are written in this script)",
  };
}

/** One session on a freshly opened store: nothing is carried in this process's memory. */
async function session(id: string, extractor: Awaited<ReturnType<typeof extractorModel>>) {
  const store = new SqliteStateStore({ database: flags.db });
  const memory = new LongTermMemory({ store, embedder: lexicalEmbedder(), model: extractor.model });
  try {
    const script = SESSIONS[id];
    if (script) {
      out(`\nsession ${id} (${script.date})`);
      const turns: ConversationTurn[] = script.turns.map((t) => ({
        ...t,
        speaker: "Ana",
        time: new Date(script.date),
      }));
      for (const t of turns) out(`  Ana: ${t.text}`);
      const { applied } = await memory.extract(ana, turns);
      for (const a of applied) {
        const replaced =
          "invalidated" in a && a.invalidated.length ? ` (replaces "${a.invalidated[0]!.content}")` : "";
        out(
          `  remembered: ${a.action} [${a.record.kind}] ${a.record.subject}: ${a.record.content}${replaced}`,
        );
      }
      return;
    }
    out(`\nsession ${id} (2025-09-10), a new process may run it: everything below is read from ${flags.db}`);
    const question = "Can you suggest a dinner for me in Porto?";
    out(`  Ana: ${question}`);
    const hits = await memory.search(ana, question, { k: 3, now: new Date("2025-09-10") });
    for (const h of hits) out(`  recalled: [${h.record.kind}] ${h.record.subject}: ${h.record.content}`);
    const diet = await memory.history(ana, "diet");
    for (const m of diet)
      out(
        `  diet history: "${m.content}" from ${new Date(m.validFrom).toISOString().slice(0, 10)}` +
          (m.validTo === undefined || m.validTo === null
            ? " (current)"
            : ` to ${new Date(m.validTo).toISOString().slice(0, 10)}`),
      );
    if (flags.forget) {
      await memory.forget(ana);
      const left = await memory.list(ana);
      const found = await memory.search(ana, "Ana vegan Lisbon Porto");
      out(`  forgot Ana: ${left.length} memories listed, ${found.length} found by search afterwards`);
      if (left.length + found.length > 0) process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}

const extractor = await extractorModel();
out(`memory: ${flags.db} (SQLite); extraction: ${extractor.description}`);
try {
  for (const id of flags.session.split(",")) await session(id.trim(), extractor);
} catch (error) {
  const e = error as { name?: string; message?: string };
  out(`\nmemory-assistant failed: ${e.name ?? "Error"}: ${e.message ?? String(error)}`);
  process.exitCode = 1;
}
