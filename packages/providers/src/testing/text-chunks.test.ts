import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { embedText } from "./embeddings.js";
import { splitText } from "./text-chunks.js";

describe("splitText", () => {
  it("splits per word, keeping leading whitespace", () => {
    expect(splitText("Hello brave  new\nworld ")).toEqual(["Hello", " brave", "  new", "\nworld "]);
    expect(splitText("")).toEqual([]);
    expect(splitText("   ")).toEqual(["   "]);
  });

  it("splits into the asked number of near-equal pieces by code point", () => {
    expect(splitText("abcdefg", 3)).toEqual(["abc", "def", "g"]);
    expect(splitText("ab", 5)).toEqual(["a", "b"]);
    expect(splitText("😀😀", 2)).toEqual(["😀", "😀"]);
  });

  it("always joins back to the text", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        (text, chunks) => {
          expect(splitText(text, chunks).join("")).toBe(text);
        },
      ),
    );
  });
});

describe("embedText", () => {
  const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

  it("is deterministic, unit length and of the asked dimension", () => {
    const vector = embedText("The cat sat", 32);
    expect(vector).toHaveLength(32);
    expect(embedText("The cat sat", 32)).toEqual(vector);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
  });

  it("points texts that share words the same way", () => {
    const cat = embedText("the cat sat on the mat", 64);
    expect(cosine(cat, embedText("a cat on a mat", 64))).toBeGreaterThan(
      cosine(cat, embedText("stock prices fell", 64)),
    );
  });

  it("rejects a bad dimension", () => {
    expect(() => embedText("x", 0)).toThrow(/positive integer/);
  });
});
