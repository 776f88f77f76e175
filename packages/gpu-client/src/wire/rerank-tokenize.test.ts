import { describe, expect, it } from "vitest";
import { parseRerank } from "./rerank.js";
import { parseTokenize } from "./tokenize.js";

// Answer shapes from the servers' docs (shapes only; the values are made up here):
// vLLM `/v1/rerank` (id, model, usage.total_tokens, results with document), llama.cpp
// `/v1/rerank` (usage.prompt_tokens, results without document), SGLang `/v1/rerank` (a bare
// list with `score`); vLLM `/tokenize`, llama.cpp `/tokenize` with and without `with_pieces`
// (tools/server/README.md), TGI `/tokenize` (a list of `{id, text, start, stop}`).
describe("rerank answers", () => {
  it("reads vLLM's, llama.cpp's and SGLang's shapes alike, best first", () => {
    const vllm = parseRerank(
      {
        id: "rerank-1",
        model: "BAAI/bge-reranker-v2-m3",
        usage: { total_tokens: 40 },
        results: [
          { index: 2, document: { text: "c" }, relevance_score: 0.9 },
          { index: 0, document: { text: "a" }, relevance_score: 0.1 },
        ],
      },
      3,
      "v",
    );
    expect(vllm).toEqual({
      results: [
        { index: 2, score: 0.9 },
        { index: 0, score: 0.1 },
      ],
      inputTokens: 40,
      endpoint: "v",
    });
    const llamacpp = parseRerank(
      {
        model: "m",
        object: "list",
        usage: { prompt_tokens: 31, total_tokens: 31 },
        results: [
          { index: 0, relevance_score: -2.5 },
          { index: 1, relevance_score: 4.25 },
        ],
      },
      2,
      "l",
    );
    expect(llamacpp.results.map((r) => r.index)).toEqual([1, 0]);
    expect(llamacpp.inputTokens).toBe(31);
    const sglang = parseRerank(
      [
        { score: 0.2, document: "a", index: 0, meta_info: {} },
        { score: 0.7, document: "b", index: 1, meta_info: {} },
      ],
      2,
      "s",
    );
    expect(sglang).toEqual({
      results: [
        { index: 1, score: 0.7 },
        { index: 0, score: 0.2 },
      ],
      endpoint: "s",
    });
  });

  it("refuses an answer with no results, an index out of range or no score", () => {
    expect(() => parseRerank({ data: [] }, 1, "x")).toThrow(/no results list/);
    expect(() => parseRerank({ results: [{ index: 3, relevance_score: 1 }] }, 2, "x")).toThrow(/index 3/);
    expect(() => parseRerank({ results: [{ index: 0 }] }, 2, "x")).toThrow(/no score/);
    try {
      parseRerank("nope", 1, "x");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "output-parse", provider: "x" });
    }
  });
});

describe("tokenize answers", () => {
  it("reads vLLM's count and context length, llama.cpp's ids and pieces, and TGI's token list", () => {
    expect(parseTokenize({ count: 3, max_model_len: 8192, tokens: [9, 8, 7] }, "v")).toEqual({
      count: 3,
      tokens: [9, 8, 7],
      maxModelLen: 8192,
      endpoint: "v",
    });
    expect(parseTokenize({ tokens: [123, 456, 789] }, "l")).toMatchObject({
      count: 3,
      tokens: [123, 456, 789],
    });
    expect(
      parseTokenize(
        {
          tokens: [
            { id: 198, piece: [195] },
            { id: 164, piece: [161] },
          ],
        },
        "l",
      ),
    ).toMatchObject({ count: 2, tokens: [198, 164] });
    expect(
      parseTokenize(
        [
          { id: 1, text: "<s>", start: 0, stop: 0 },
          { id: 22557, text: "Hello", start: 0, stop: 5 },
        ],
        "t",
      ),
    ).toEqual({ count: 2, tokens: [1, 22557], endpoint: "t" });
  });

  it("refuses an answer with no token list or a token with no id", () => {
    expect(() => parseTokenize({ count: 2 }, "x")).toThrow(/no token list/);
    expect(() => parseTokenize({ tokens: [{ piece: "a" }] }, "x")).toThrow(/has no id/);
  });
});
