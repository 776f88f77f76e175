import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidRequestError, OutputParseError } from "@keel/core";
import { lexicalEmbedder } from "@keel/core/cache";
import { scriptedModel } from "@keel/core/testing";
import { describe, expect, it } from "vitest";
import { SqliteStateStore } from "../node/sqlite-state-store.js";
import { InMemoryStateStore } from "../persistent/in-memory-state-store.js";
import { LongTermMemory } from "./long-term-memory.js";

const DAY = 86_400_000;
const user = { tenant: "acme", user: "ana" };

function memory(now = Date.UTC(2023, 5, 20)) {
  const store = new InMemoryStateStore();
  return { store, ltm: new LongTermMemory({ store, embedder: lexicalEmbedder(), now: () => now }) };
}

describe("LongTermMemory", () => {
  it("finds memories by relevance, with BM25 alone or fused with vectors", async () => {
    const { ltm } = memory();
    await ltm.addMany(user, [
      { kind: "preference", subject: "diet", content: "Ana is vegetarian" },
      { kind: "fact", subject: "employer", content: "Ana works at a bakery in Porto" },
      { kind: "episode", content: "We talked about hiking in the Alps", speaker: "Ana" },
    ]);
    for (const method of ["bm25", "vector", "hybrid"] as const) {
      const [top] = await ltm.search(user, "where does she work?", { method, k: 1 });
      expect(top!.record.content, method).toBe("Ana works at a bakery in Porto");
    }
    const bm25Only = new LongTermMemory({ store: new InMemoryStateStore() });
    await expect(bm25Only.search(user, "x", { method: "vector" })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it("replaces a fact on the same subject by invalidating it, keeping its history and validity times", async () => {
    const { ltm } = memory();
    const march = Date.UTC(2023, 2, 1);
    const june = Date.UTC(2023, 5, 1);
    const first = await ltm.add(user, {
      kind: "preference",
      subject: "Diet",
      content: "Ana is vegetarian",
      time: march,
    });
    const second = await ltm.add(user, {
      kind: "preference",
      subject: "diet",
      content: "Ana is vegan now",
      time: june,
    });
    expect(second.action).toBe("updated");
    expect(second.invalidated.map((r) => r.id)).toEqual([first.record.id]);
    const history = await ltm.history(user, "diet");
    expect(history.map((r) => [r.content, r.validFrom, r.validTo, r.invalidatedBy])).toEqual([
      ["Ana is vegetarian", march, june, second.record.id],
      ["Ana is vegan now", june, undefined, undefined],
    ]);
    expect((await ltm.search(user, "vegetarian vegan diet")).map((h) => h.record.content)).toEqual([
      "Ana is vegan now",
    ]);
    const then = await ltm.search(user, "vegetarian vegan diet", { asOf: Date.UTC(2023, 3, 1) });
    expect(then.map((h) => h.record.content)).toEqual(["Ana is vegetarian"]);
    // The same content again changes nothing but its sources.
    const again = await ltm.add(user, {
      kind: "preference",
      subject: "diet",
      content: "ana is  VEGAN now",
      sourceTurnIds: ["t9"],
    });
    expect(again.action).toBe("unchanged");
    expect(again.record.sourceTurnIds).toEqual(["t9"]);
    expect(await ltm.list(user)).toHaveLength(1);
    // An explicit invalidation ends a memory with nothing in its place.
    const ended = await ltm.invalidate(user, second.record.id, Date.UTC(2023, 5, 10));
    expect(ended.validTo).toBe(Date.UTC(2023, 5, 10));
    expect(await ltm.list(user)).toEqual([]);
  });

  it("ranks memories in the span a question names first ('last May', 'in 2022')", async () => {
    const { ltm } = memory(Date.UTC(2023, 5, 20));
    await ltm.addMany(user, [
      {
        kind: "episode",
        speaker: "Ana",
        content: "I went hiking with my sister",
        time: Date.UTC(2023, 4, 14),
      },
      { kind: "episode", speaker: "Ana", content: "I went hiking alone", time: Date.UTC(2023, 0, 3) },
      {
        kind: "episode",
        speaker: "Ana",
        content: "I painted a sunrise last year",
        time: Date.UTC(2023, 2, 3),
      },
    ]);
    const [may] = await ltm.search(user, "Where did Ana go hiking last May?");
    expect(may!.record.content).toBe("I went hiking with my sister");
    expect(may!.timeMatch).toBe(1);
    // "last year" said in March 2023 is 2022: a question about 2022 finds it.
    const [painted] = await ltm.search(user, "What did Ana do in 2022?", { k: 1 });
    expect(painted!.record.content).toBe("I painted a sunrise last year");
  });

  it("lets neighbouring turns of a thread lend context to a short reply", async () => {
    const { ltm } = memory();
    await ltm.addMany(user, [
      {
        kind: "episode",
        speaker: "Bo",
        content: "Did you finish the marathon in Berlin?",
        thread: "s1",
        position: 1,
      },
      { kind: "episode", speaker: "Ana", content: "Yes! Took me four hours.", thread: "s1", position: 2 },
      { kind: "episode", speaker: "Ana", content: "Unrelated chat about cooking", thread: "s2", position: 1 },
    ]);
    const plain = await ltm.search(user, "How long did the Berlin marathon take?", {
      method: "bm25",
      k: 2,
      scoring: { context: 0 },
    });
    expect(plain.map((h) => h.record.content)).not.toContain("Yes! Took me four hours.");
    const withContext = await ltm.search(user, "How long did the Berlin marathon take?", {
      method: "bm25",
      k: 2,
      scoring: { context: 0.5 },
    });
    expect(withContext.map((h) => h.record.content)).toContain("Yes! Took me four hours.");
  });

  it("ranks what the person a question names said above what others said about the same", async () => {
    const { ltm } = memory();
    await ltm.addMany(user, [
      {
        kind: "episode",
        speaker: "Bo",
        content: "Research on adoption agencies: I research adoption agencies daily",
      },
      { kind: "episode", speaker: "Ana", content: "I looked into adoption agencies" },
    ]);
    const question = "What did Ana research about adoption agencies?";
    const plain = await ltm.search(user, question, { scoring: { speaker: 0 }, method: "bm25" });
    expect(plain.map((h) => h.record.speaker)).toEqual(["Bo", "Ana"]);
    const named = await ltm.search(user, question, { method: "bm25" });
    expect(named.map((h) => h.record.speaker)).toEqual(["Ana", "Bo"]);
    // Naming both speakers favours neither.
    const both = await ltm.search(user, "What did Ana and Bo research about adoption agencies?", {
      method: "bm25",
    });
    expect(both.map((h) => h.record.speaker)).toEqual(["Bo", "Ana"]);
  });

  it("decays: recent and important memories rank higher, and prune removes faded episodes", async () => {
    const now = Date.UTC(2024, 0, 1);
    const { ltm } = memory(now);
    await ltm.addMany(user, [
      { kind: "episode", content: "coffee with Bo", time: now - 400 * DAY, importance: 0.2 },
      { kind: "episode", content: "coffee with Bo again", time: now - 2 * DAY, importance: 0.2 },
      { kind: "episode", content: "coffee at the wedding of Bo", time: now - 400 * DAY, importance: 1 },
    ]);
    const hits = await ltm.search(user, "coffee Bo");
    expect(hits[0]!.recency).toBeGreaterThan(hits[2]!.recency);
    const removed = await ltm.prune(user, { threshold: 0.005 });
    expect(removed.map((r) => r.content)).toEqual(["coffee with Bo"]);
    expect((await ltm.list(user)).map((r) => r.content).sort()).toEqual([
      "coffee at the wedding of Bo",
      "coffee with Bo again",
    ]);
  });

  it("rejects bad input with InvalidRequestError", async () => {
    const { ltm } = memory();
    const bad = [
      () => ltm.add(user, { kind: "rumour" as "fact", content: "x" }),
      () => ltm.add(user, { kind: "fact", content: "  " }),
      () => ltm.add(user, { kind: "fact", content: "x", confidence: 2 }),
      () => ltm.add(user, { kind: "fact", content: "x", time: Number.NaN }),
      () => ltm.add(user, { kind: "fact", content: "x", supersedes: "nope" }),
      () => ltm.add({ tenant: "" }, { kind: "fact", content: "x" }),
      () => ltm.search(user, "x", { k: 0 }),
      () => ltm.invalidate(user, "missing"),
      () => ltm.extract(user, [{ id: "t1", speaker: "Ana", text: "hi" }]),
    ];
    for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(await ltm.list(user, { includeInvalid: true })).toEqual([]);
  });

  it("forget(user) removes the user's memories and history from the store and the index; others stay", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keel-ltm-forget-"));
    const store = new SqliteStateStore({ database: join(dir, "m.db") });
    try {
      const ltm = new LongTermMemory({ store, embedder: lexicalEmbedder() });
      const other = { tenant: "acme", user: "bo" };
      await ltm.add(user, { kind: "fact", subject: "secret", content: "Ana's locker code is 4711" });
      await ltm.add(other, { kind: "fact", subject: "secret", content: "Bo's locker code is 1234" });
      expect(await ltm.search(user, "locker code")).toHaveLength(1);
      await ltm.forget(user);
      expect(await ltm.search(user, "locker code 4711")).toEqual([]);
      expect(await store.list(user)).toEqual([]);
      expect(await store.read(user, "ltm/history")).toEqual([]);
      const rebuilt = new LongTermMemory({ store, embedder: lexicalEmbedder() });
      expect(await rebuilt.search(user, "locker code 4711", { includeInvalid: true })).toEqual([]);
      expect((await rebuilt.search(other, "locker code")).map((h) => h.record.content)).toEqual([
        "Bo's locker code is 1234",
      ]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("applies conflict handling inside one addMany call, in input order", async () => {
    const { ltm } = memory();
    const [first, second, third] = await ltm.addMany(user, [
      { kind: "preference", subject: "diet", content: "Ana is vegetarian", time: Date.UTC(2023, 2, 1) },
      { kind: "preference", subject: "diet", content: "Ana is vegan now", time: Date.UTC(2023, 5, 1) },
      { kind: "preference", subject: "Diet", content: "ana is vegan NOW", sourceTurnIds: ["t3"] },
    ]);
    expect([first!.action, second!.action, third!.action]).toEqual(["added", "updated", "unchanged"]);
    expect(second!.invalidated.map((r) => r.id)).toEqual([first!.record.id]);
    expect(third!.record.id).toBe(second!.record.id);
    expect((await ltm.list(user)).map((r) => [r.content, r.sourceTurnIds])).toEqual([
      ["Ana is vegan now", ["t3"]],
    ]);
    // The same holds for a fresh instance reading the store, not only for this one's index.
    const history = await ltm.history(user, "diet");
    expect(history.map((r) => [r.content, r.validTo, r.invalidatedBy])).toEqual([
      ["Ana is vegetarian", Date.UTC(2023, 5, 1), second!.record.id],
      ["Ana is vegan now", undefined, undefined],
    ]);
  });

  it("leaves the store as it was when embedding the new memories fails", async () => {
    const store = new InMemoryStateStore();
    const embedder = lexicalEmbedder();
    let fail = false;
    const flaky = {
      ...embedder,
      embed: (texts: string[]) => (fail ? Promise.reject(new Error("embedder down")) : embedder.embed(texts)),
    };
    const ltm = new LongTermMemory({ store, embedder: flaky });
    const old = await ltm.add(user, { kind: "fact", subject: "employer", content: "Ana works at a bakery" });
    const before = await store.list(user);
    fail = true;
    await expect(
      ltm.add(user, { kind: "fact", subject: "employer", content: "Ana is a nurse" }),
    ).rejects.toThrow(/embedder down/);
    expect(await store.list(user)).toEqual(before);
    expect(await store.read(user, "ltm/history")).toHaveLength(1);
    fail = false;
    expect((await ltm.list(user)).map((r) => r.id)).toEqual([old.record.id]);
  });

  it("rebuilds its index from the store, reusing stored embeddings", async () => {
    const store = new InMemoryStateStore();
    const embedder = lexicalEmbedder();
    let calls = 0;
    const counting = {
      ...embedder,
      embed: (texts: string[]) => {
        calls++;
        return embedder.embed(texts);
      },
    };
    await new LongTermMemory({ store, embedder: counting }).add(user, {
      kind: "fact",
      subject: "pet",
      content: "Ana has a cat",
    });
    calls = 0;
    const fresh = new LongTermMemory({ store, embedder: counting });
    expect((await fresh.search(user, "cat", { method: "vector" }))[0]!.record.content).toBe("Ana has a cat");
    expect(calls).toBe(1); // the query only
  });
});

describe("LongTermMemory.extract", () => {
  const turns = [
    { id: "t1", speaker: "Ana", text: "I moved to Lisbon last month", time: Date.UTC(2023, 5, 20) },
    { id: "t2", speaker: "Ana", text: "And I quit the bakery, I'm a nurse now", time: Date.UTC(2023, 5, 20) },
  ];

  it("applies what a model extracts through structured output: adds, and updates that invalidate", async () => {
    const store = new InMemoryStateStore();
    const bootstrap = new LongTermMemory({ store });
    const old = await bootstrap.add(user, {
      kind: "fact",
      subject: "employer",
      content: "Ana works at a bakery",
      time: Date.UTC(2022, 0, 1),
    });
    const answer = {
      memories: [
        {
          action: "add",
          kind: "fact",
          subject: "home city",
          content: "Ana lives in Lisbon",
          confidence: 0.9,
          importance: 0.7,
          sourceTurnIds: ["t1"],
          time: "2023-05-20",
          target: null,
        },
        {
          action: "update",
          kind: "fact",
          subject: "employer",
          content: "Ana is a nurse",
          confidence: 0.9,
          importance: 0.8,
          sourceTurnIds: ["t2"],
          time: null,
          target: old.record.id,
        },
      ],
    };
    // The first answer cites a turn that does not exist: the repair loop sends it back.
    const bad = { memories: [{ ...answer.memories[0], sourceTurnIds: ["t7"] }] };
    const model = scriptedModel([JSON.stringify(bad), JSON.stringify(answer)]);
    const ltm = new LongTermMemory({ store, model });
    const result = await ltm.extract(user, turns);
    expect(model.requests).toHaveLength(2);
    expect(JSON.stringify(model.requests[0]!.messages)).toContain(old.record.id);
    expect(result.applied.map((a) => a.action)).toEqual(["added", "updated"]);
    const current = (await ltm.list(user)).map((r) => r.content).sort();
    expect(current).toEqual(["Ana is a nurse", "Ana lives in Lisbon"]);
    const employer = await ltm.history(user, "employer");
    expect(employer.map((r) => [r.content, r.validTo !== undefined])).toEqual([
      ["Ana works at a bakery", true],
      ["Ana is a nurse", false],
    ]);
    expect((await ltm.get(user, result.applied[0]!.record.id))!.time).toBe(Date.UTC(2023, 4, 20));
  });

  it("fails with OutputParseError and stores nothing when no answer validates", async () => {
    const store = new InMemoryStateStore();
    const model = scriptedModel(['{"memories": [{"action": "update", "kind": "fact"}]}']);
    const ltm = new LongTermMemory({ store, model });
    await expect(ltm.extract(user, turns)).rejects.toBeInstanceOf(OutputParseError);
    expect(await store.list(user)).toEqual([]);
  });
});
