/** End-to-end: openaiEmbedding() through the real SDK against the wire test server's /v1/embeddings. */
import { RateLimitedError } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embedText, startTestServer, type TestServer } from "../testing/index.js";
import { OPENAI_EMBEDDING_MAX_BATCH, openaiEmbedding } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ embeddingDimensions: 8 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

const settings = () => ({ baseURL: server.openaiBaseURL, apiKey: "test", headers: { connection: "close" } });

describe("openaiEmbedding()", () => {
  it("splits into batches of maxBatchSize and keeps the input order", async () => {
    const texts = ["alpha", "beta gamma", "delta", "epsilon zeta", "eta"];
    const model = openaiEmbedding("text-embedding-3-small", { ...settings(), maxBatchSize: 2 });
    expect(model.maxBatchSize).toBe(2);
    const result = await model.embed(texts);
    expect(server.requests.map((r) => r.body.input)).toEqual([
      ["alpha", "beta gamma"],
      ["delta", "epsilon zeta"],
      ["eta"],
    ]);
    // The SDK asks for base64 and decodes float32; the vectors equal the server's, in order.
    expect(result.embeddings).toEqual(texts.map((t) => embedText(t, 8)));
    expect(result.usage!.inputTokens).toBeGreaterThan(0);
    expect(server.requests[0]!.body).toEqual({
      model: "text-embedding-3-small",
      input: ["alpha", "beta gamma"],
      encoding_format: "base64",
    });
  });

  it("defaults to OpenAI's limit of 2048 inputs per request", async () => {
    const texts = Array.from({ length: OPENAI_EMBEDDING_MAX_BATCH + 1 }, (_, i) => `text ${i}`);
    const model = openaiEmbedding("text-embedding-3-small", settings());
    expect(model.maxBatchSize).toBe(2048);
    const result = await model.embed(texts);
    expect(server.requests.map((r) => r.body.input.length)).toEqual([2048, 1]);
    expect(result.embeddings).toHaveLength(2049);
    expect(result.embeddings[2048]).toEqual(embedText("text 2048", 8));
  });

  it("sends dimensions and caps maxBatchSize at 2048", async () => {
    const model = openaiEmbedding("text-embedding-3-large", {
      ...settings(),
      dimensions: 4,
      maxBatchSize: 10_000,
    });
    expect(model.maxBatchSize).toBe(2048);
    expect(model.dimensions).toBe(4);
    const result = await model.embed(["one"]);
    expect(server.requests[0]!.body.dimensions).toBe(4);
    expect(result.embeddings[0]).toHaveLength(4);
  });

  it("sends nothing for no texts, and maps errors", async () => {
    const model = openaiEmbedding("text-embedding-3-small", settings());
    expect(await model.embed([])).toEqual({ embeddings: [] });
    expect(server.requests).toHaveLength(0);
    server.enqueue({ fault: "rate-limit", retryAfterMs: 250 });
    const error = await model.embed(["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 250, provider: "openai" });
  });
});
