import { describe, expect, it } from "vitest";
import { InvalidRequestError, KeelError } from "../errors.js";
import { countTokens, countTokensSync, getTokenizer, loadedTokenizer } from "./tokenizer.js";

describe("tokenizer", () => {
  it("loads nothing until asked, then serves a sync fast path", async () => {
    expect(loadedTokenizer("cl100k_base")).toBeUndefined();
    expect(() => countTokensSync("hello", "cl100k_base")).toThrow(KeelError);
    const tokenizer = await getTokenizer("cl100k_base");
    expect(loadedTokenizer("cl100k_base")).toBe(tokenizer);
    expect(countTokensSync("hello world", "cl100k_base")).toBe(2);
  });

  it("counts exactly with the real OpenAI tables", async () => {
    // Reference counts from OpenAI's tiktoken README and its tokenizer page.
    expect(await countTokens("tiktoken is great!", "cl100k_base")).toBe(6);
    expect(await countTokens("Say foo", "o200k_base")).toBe(2);
    const t = await getTokenizer("o200k_base");
    expect(t.decode(t.encode("héllo wörld 你好"))).toBe("héllo wörld 你好");
  });

  it("treats special-token text in user input as plain text", async () => {
    const n = await countTokens("<|endoftext|>", "o200k_base");
    expect(n).toBeGreaterThan(1);
  });

  it("rejects unknown encodings with a clear error", () => {
    expect(() => getTokenizer("p50k_base" as never)).toThrow(InvalidRequestError);
  });

  it("shares one load between concurrent callers", async () => {
    const [a, b] = await Promise.all([getTokenizer("o200k_base"), getTokenizer("o200k_base")]);
    expect(a).toBe(b);
  });
});
