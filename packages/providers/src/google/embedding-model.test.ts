import { AbortedError, OverloadedError, RateLimitedError } from "@keel/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embedText, startTestServer, type TestServer } from "../testing/index.js";
import { googleEmbedding } from "./embedding-model.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ embeddingDimensions: 8 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const settings = () => ({ apiKey: "test-key", baseUrl: server.geminiBaseURL });

describe("googleEmbedding", () => {
  it("sends batches of at most 100 to batchEmbedContents and keeps input order", async () => {
    const model = googleEmbedding("gemini-embedding-001", settings());
    expect(model).toMatchObject({ provider: "google", id: "gemini-embedding-001", maxBatchSize: 100 });
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const result = await model.embed(texts);
    expect(server.requests.map((r) => [r.path, r.body.requests.length])).toEqual([
      ["/v1beta/models/gemini-embedding-001:batchEmbedContents", 100],
      ["/v1beta/models/gemini-embedding-001:batchEmbedContents", 100],
      ["/v1beta/models/gemini-embedding-001:batchEmbedContents", 50],
    ]);
    // The server's vectors are a deterministic function of each text, so order is checkable.
    expect(result.embeddings).toEqual(texts.map((t) => embedText(t, 8)));
    expect(result.usage).toBeUndefined();
    expect(server.requests[2]!.body.requests[49]).toEqual({
      content: { role: "user", parts: [{ text: "text number 249" }] },
      model: "models/gemini-embedding-001",
    });
  });

  it("sends taskType and outputDimensionality, and reports the dimensions", async () => {
    const model = googleEmbedding("gemini-embedding-001", {
      ...settings(),
      taskType: "RETRIEVAL_DOCUMENT",
      outputDimensionality: 4,
    });
    expect(model.dimensions).toBe(4);
    const result = await model.embed(["a", "b"]);
    expect(result.embeddings.map((v) => v.length)).toEqual([4, 4]);
    expect(server.requests[0]!.body.requests[0]).toEqual({
      content: { role: "user", parts: [{ text: "a" }] },
      taskType: "RETRIEVAL_DOCUMENT",
      outputDimensionality: 4,
      model: "models/gemini-embedding-001",
    });
  });

  it("makes no request for no texts", async () => {
    await expect(googleEmbedding("m", settings()).embed([])).resolves.toEqual({ embeddings: [] });
    expect(server.requests).toHaveLength(0);
  });

  it("maps errors and stops at the failing batch", async () => {
    server.enqueue({ text: "" }, { fault: "overloaded" });
    const texts = Array.from({ length: 150 }, (_, i) => `t${i}`);
    await expect(googleEmbedding("m", settings()).embed(texts)).rejects.toBeInstanceOf(OverloadedError);
    expect(server.requests).toHaveLength(2);
    server.enqueue({ fixture: "gemini/error-429-retry-info.json" });
    const limited = await googleEmbedding("m", settings())
      .embed(["x"])
      .catch((e) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(34400);
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      googleEmbedding("m", settings()).embed(["x"], { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(server.requests).toHaveLength(0);
  });
});
