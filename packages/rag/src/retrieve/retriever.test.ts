import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { events, type KeelEvent, OutputParseError } from "@keel/core";
import { captureContent } from "@keel/core/telemetry";
import { scriptedModel } from "@keel/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recursiveChunker } from "../chunkers/recursive-chunker.js";
import { contentHash } from "../content-hash.js";
import { defaultEmbedder } from "../embed/default-embedder.js";
import { createEmbedder } from "../embed/embedder.js";
import { MemoryStore } from "../stores/memory-store.js";
import type { RagDocument } from "../types.js";
import { modelReranker, teiReranker } from "./rerank.js";
import { createRetriever } from "./retriever.js";

const docs: RagDocument[] = [
  {
    id: "statins",
    text: "Statins lower LDL cholesterol and reduce heart attacks in adults.",
    metadata: { topic: "heart" },
  },
  {
    id: "exercise",
    text: "Regular exercise improves heart health and lowers blood pressure.",
    metadata: { topic: "heart" },
  },
  {
    id: "sleep",
    text: "Sleep deprivation impairs memory consolidation in students.",
    metadata: { topic: "brain" },
  },
  { id: "diet", text: "A diet high in fibre lowers cholesterol modestly.", metadata: { topic: "diet" } },
];

async function indexed() {
  const embedder = createEmbedder(defaultEmbedder({ dimensions: 256 }));
  const store = new MemoryStore({ dimensions: 256 });
  const chunker = recursiveChunker({ chunkSize: 200, overlap: 0 });
  for (const doc of docs) {
    const chunks = await chunker.chunk(doc);
    const vectors = await embedder.embed(chunks.map((c) => c.text));
    await store.upsert(
      "acme",
      chunks.map((c, i) => ({ ...c, vector: vectors[i]!, documentHash: contentHash(doc.text) })),
    );
  }
  return { embedder, store };
}

describe("createRetriever", () => {
  it("fuses vector and keyword results and reports each side's rank and score", async () => {
    const { embedder, store } = await indexed();
    const seen: KeelEvent[] = [];
    const off = events.on((e) => seen.push(e));
    const retriever = createRetriever({ store, embedder });
    const results = await retriever.retrieve("what lowers cholesterol", { tenant: "acme", k: 3 });
    off();
    expect(results.length).toBeGreaterThan(0);
    const top = results[0]!;
    expect(["statins", "diet"]).toContain(top.documentId);
    expect(top.text).toBe(docs.find((d) => d.id === top.documentId)!.text.slice(top.start, top.end));
    expect(top.scores.keyword?.rank).toBeGreaterThan(0);
    expect(top.scores.vector?.rank).toBeGreaterThan(0);
    expect(top.scores.fused).toBeCloseTo(
      1 / (60 + top.scores.vector!.rank) + 1 / (60 + top.scores.keyword!.rank),
      12,
    );
    const finished = seen.find((e) => e.type === "retrieval.finished") as Extract<
      KeelEvent,
      { type: "retrieval.finished" }
    >;
    expect(finished.ids).toEqual(results.map((r) => r.id));
    expect(finished.source).toBe("memory");
    expect(finished.query).toBeUndefined();
    expect(finished.context?.tenant).toBe("acme");

    const stop = captureContent();
    const captured: KeelEvent[] = [];
    const off2 = events.on((e) => captured.push(e));
    await retriever.retrieve("mail me at jane@example.com about cholesterol", { tenant: "acme", k: 1 });
    off2();
    stop();
    const withQuery = captured.find((e) => e.type === "retrieval.finished") as Extract<
      KeelEvent,
      { type: "retrieval.finished" }
    >;
    expect(withQuery.query).toContain("cholesterol");
    expect(withQuery.query).not.toContain("jane@example.com");
  });

  it("filters inside the search and keeps tenants apart", async () => {
    const { embedder, store } = await indexed();
    const retriever = createRetriever({
      store,
      embedder,
      fusion: { method: "weighted", normalization: "min-max" },
    });
    const brain = await retriever.retrieve("memory students", {
      tenant: "acme",
      k: 5,
      filter: { topic: "brain" },
    });
    expect(brain.map((r) => r.documentId)).toEqual(["sleep"]);
    expect(await retriever.retrieve("cholesterol", { tenant: "other", k: 5 })).toEqual([]);
  });

  it("diversifies with MMR when asked, demoting a near-duplicate of a result already picked", async () => {
    const { embedder, store } = await indexed();
    const twin = "Statins lower LDL cholesterol and reduce heart attacks in older adults.";
    const [vector] = await embedder.embed([twin]);
    await store.upsert("acme", [
      {
        id: "twin",
        documentId: "statins-copy",
        text: twin,
        start: 0,
        end: twin.length,
        headingPath: [],
        index: 0,
        metadata: { topic: "heart" },
        vector: vector!,
        documentHash: "x",
      },
    ]);
    const plain = await createRetriever({ store, embedder }).retrieve("statins lower LDL cholesterol", {
      tenant: "acme",
      k: 2,
    });
    expect(plain.map((r) => r.documentId).sort()).toEqual(["statins", "statins-copy"]);
    const diverse = await createRetriever({ store, embedder, mmr: { lambda: 0.5 } }).retrieve(
      "statins lower LDL cholesterol",
      {
        tenant: "acme",
        k: 2,
      },
    );
    expect(diverse).toHaveLength(2);
    expect(diverse[0]!.documentId).toMatch(/^statins/);
    expect(diverse[1]!.documentId).not.toMatch(/^statins/);
    expect(diverse[1]!.scores.mmr).toBeDefined();
  });

  it("emits a failed retrieval.finished with the typed error", async () => {
    const { embedder, store } = await indexed();
    const seen: KeelEvent[] = [];
    const off = events.on((e) => seen.push(e));
    await expect(
      createRetriever({ store, embedder }).retrieve("x", { tenant: "acme", filter: { nope: 1 } }),
    ).rejects.toThrow(/unknown field "nope"/);
    off();
    const finished = seen.find((e) => e.type === "retrieval.finished") as Extract<
      KeelEvent,
      { type: "retrieval.finished" }
    >;
    expect(finished.error?.code).toBe("invalid-request");
  });

  it("reranks through a core Model's 0-10 grades, an answer without a number grading 0", async () => {
    const { embedder, store } = await indexed();
    const model = scriptedModel((request) => {
      const passage = String(request.messages.at(-1)?.content);
      if (passage.includes("Sleep")) return "9";
      if (passage.includes("fibre")) return "Relevance: 12 out of 10";
      return "I cannot say.";
    });
    const retriever = createRetriever({ store, embedder, reranker: modelReranker(model) });
    const results = await retriever.retrieve("heart cholesterol sleep", { tenant: "acme", k: 4 });
    expect(results.map((r) => [r.documentId, r.scores.rerank])).toEqual([
      ["diet", 10],
      ["sleep", 9],
      [expect.any(String), 0],
      [expect.any(String), 0],
    ]);
    expect(model.requests).toHaveLength(4);
    expect(model.requests.every((r) => r.temperature === 0)).toBe(true);
  });

  it("fails with OutputParseError when a reranker scores another number of texts than it was given", async () => {
    const { embedder, store } = await indexed();
    const short = {
      name: "short",
      rerank: async (_q: string, texts: string[]) => texts.slice(1).map(() => 1),
    };
    const retriever = createRetriever({ store, embedder, reranker: short });
    await expect(retriever.retrieve("cholesterol", { tenant: "acme", k: 2 })).rejects.toBeInstanceOf(
      OutputParseError,
    );
  });

  describe("with a TEI-style /rerank server", () => {
    let url = "";
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const parsed = JSON.parse(body) as { query: string; texts: string[] };
        bodies.push(parsed);
        // Scores by how many times "sleep" appears: a deterministic stand-in for a cross-encoder.
        const scored = parsed.texts.map((t, index) => ({ index, score: (t.match(/sleep/gi) ?? []).length }));
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(scored.sort((a, b) => b.score - a.score)));
      });
    });
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("reorders the fused candidates by the reranker's scores", async () => {
      const { embedder, store } = await indexed();
      const retriever = createRetriever({ store, embedder, reranker: teiReranker({ url }) });
      const results = await retriever.retrieve("heart cholesterol sleep", { tenant: "acme", k: 2 });
      expect(results[0]!.documentId).toBe("sleep");
      expect(results[0]!.scores.rerank).toBe(1);
      expect(bodies[0]).toMatchObject({ query: "heart cholesterol sleep", raw_scores: false });
    });
  });
});
