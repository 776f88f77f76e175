import { describe, expect, it } from "vitest";
import { sameKeyFacts } from "./content-guard.js";

describe("sameKeyFacts", () => {
  it("requires the same numbers, in any order, with thousands separators ignored", () => {
    expect(sameKeyFacts("How far is 5 miles?", "How far is 6 miles?")).toBe(false);
    expect(sameKeyFacts("Convert 5 miles", "Convert 5 or 6 miles")).toBe(false);
    expect(sameKeyFacts("Is 3.5 more than 2?", "Is 3.6 more than 2?")).toBe(false);
    expect(sameKeyFacts("Is 2 bigger than 3?", "Is 3 bigger than 2?")).toBe(true);
    expect(sameKeyFacts("Population of a 1,000,000 city", "Population of a 1000000 city")).toBe(true);
    expect(sameKeyFacts("Split 1,000 in two", "Split 1000 in two")).toBe(true);
    // One number is not two numbers written side by side.
    expect(sameKeyFacts("Is room 12 free?", "Is room 1 2 free?")).toBe(false);
    expect(sameKeyFacts("what is a cat", "what is a dog")).toBe(true);
  });

  it("requires the same count of negations, each negating word counting", () => {
    for (const word of [
      "not",
      "no",
      "never",
      "none",
      "nothing",
      "nobody",
      "neither",
      "nor",
      "without",
      "cannot",
    ])
      expect(sameKeyFacts("people eat salt", `people ${word} eat salt`), word).toBe(false);
    expect(sameKeyFacts("Is it safe?", "Isn't it safe?")).toBe(false);
    expect(sameKeyFacts("Isn't it safe?", "Is it not safe?")).toBe(true);
  });

  it("requires the same capitalized names, in any order, plural s and sentence starts aside", () => {
    expect(sameKeyFacts("What is the capital of Paris?", "What is the capital of Prague?")).toBe(false);
    expect(sameKeyFacts("Did Alice pay Bob?", "Did Carol pay Bob?")).toBe(false);
    expect(sameKeyFacts("Is it cold in Austria?", "Is it cold in Australia?")).toBe(false);
    expect(sameKeyFacts("Did Alice pay Bob?", "Did Bob pay Alice?")).toBe(true);
    expect(sameKeyFacts("Is the shop open on Sundays?", "Is the shop open on Sunday?")).toBe(true);
    // A capital after a sentence end, or the pronoun "I", is not a name.
    expect(sameKeyFacts("It rained. Where should we go?", "It rained. where should we go?")).toBe(true);
    expect(sameKeyFacts("Can I visit London?", "Can we visit London?")).toBe(true);
    expect(sameKeyFacts("Can I visit London?", "Can we visit London and Leeds?")).toBe(false);
  });
});
