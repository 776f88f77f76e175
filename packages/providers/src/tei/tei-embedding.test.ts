import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidRequestError, RateLimitedError } from "@keel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teiEmbedding } from "./tei-embedding.js";

/**
 * A local server speaking TEI's `/embed` route as documented (request `{inputs, normalize,
 * truncate}`; errors `{error, error_type}`; 413 over the batch limit, 422 for inputs too long,
 * 429 when its queue is full). Vectors are the inputs' character codes, so order is checkable.
 */
const requests: Array<{ inputs: string[]; normalize: boolean; truncate: boolean }> = [];
let overloaded = 0;
const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const body = JSON.parse(raw);
    requests.push(body);
    res.setHeader("content-type", "application/json");
    if (overloaded > 0) {
      overloaded--;
      res.statusCode = 429;
      res.setHeader("retry-after", "1");
      return res.end(JSON.stringify({ error: "Model is overloaded", error_type: "Overloaded" }));
    }
    if (body.inputs.length > 4) {
      res.statusCode = 413;
      return res.end(
        JSON.stringify({ error: "batch size 5 > maximum allowed batch size 4", error_type: "Validation" }),
      );
    }
    if (body.inputs.some((t: string) => t.length > 50)) {
      res.statusCode = 422;
      return res.end(
        JSON.stringify({
          error: "Input validation error: inputs must have less than 512 tokens",
          error_type: "Validation",
        }),
      );
    }
    res.end(JSON.stringify(body.inputs.map((t: string) => [t.charCodeAt(0), t.length])));
  });
});
let baseURL = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("teiEmbedding", () => {
  it("posts batches to /embed and returns the vectors in input order", async () => {
    const model = teiEmbedding({ baseURL, maxBatchSize: 4, dimensions: 2 });
    const texts = ["a", "bb", "ccc", "dddd", "eeeee", "f"];
    const result = await model.embed(texts);
    expect(result.embeddings).toEqual(texts.map((t) => [t.charCodeAt(0), t.length]));
    expect(requests.slice(-2).map((r) => r.inputs.length)).toEqual([4, 2]);
    expect(requests.at(-1)).toMatchObject({ normalize: true, truncate: false });
  });

  it("maps TEI's errors to typed Keel errors", async () => {
    await expect(teiEmbedding({ baseURL, maxBatchSize: 8 }).embed(["1", "2", "3", "4", "5"])).rejects.toThrow(
      InvalidRequestError,
    );
    await expect(teiEmbedding({ baseURL }).embed(["x".repeat(60)])).rejects.toThrow(/less than 512 tokens/);
    overloaded = 1;
    const error = await teiEmbedding({ baseURL })
      .embed(["a"])
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(1000);
    await expect(teiEmbedding({ baseURL: "http://127.0.0.1:1" }).embed(["a"])).rejects.toMatchObject({
      code: "network",
    });
    expect(() => teiEmbedding({ baseURL: "localhost:8080" })).toThrow(/baseURL/);
  });
});
