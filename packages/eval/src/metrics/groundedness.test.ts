import { describe, expect, it } from "vitest";
import { lexicalGroundedness, splitClaims } from "./groundedness.js";

describe("splitClaims", () => {
  it("splits after sentence punctuation and at line breaks, trimming each claim", () => {
    expect(splitClaims("Paris is big.  Lyon is old!\n\n  Nice is warm?\tYes")).toEqual([
      "Paris is big.",
      "Lyon is old!",
      "Nice is warm?",
      "Yes",
    ]);
  });

  it("trims the spaces around a line break that has no sentence punctuation before it", () => {
    expect(splitClaims("Paris is big  \n  Lyon is old")).toEqual(["Paris is big", "Lyon is old"]);
  });

  it("drops pieces with no content words", () => {
    expect(splitClaims("It is. Paris is big.\n...\n")).toEqual(["Paris is big."]);
  });
});

describe("lexicalGroundedness", () => {
  it("counts only content words: function words neither support nor undermine a claim, whatever their case", () => {
    const g = lexicalGroundedness("THE TOWER IS IN PARIS.", "paris tower");
    expect(g.claims).toEqual([{ claim: "THE TOWER IS IN PARIS.", overlap: 1, supported: true }]);
  });

  it("matches words by their stems", () => {
    const g = lexicalGroundedness("Paris hosted the games.", "Paris hosts a game every year");
    expect(g.claims[0]?.overlap).toBe(1);
    expect(g.score).toBe(1);
  });

  it("gives each claim the share of its content words found in the context", () => {
    // Content words: eiffel, tower, built, 1950; the context holds two of the four.
    const g = lexicalGroundedness("The Eiffel Tower was built in 1950.", "Eiffel's tower stands in Paris");
    expect(g.claims[0]?.overlap).toBe(0.5);
    expect(g.claims[0]?.supported).toBe(false);
  });

  it("supports a claim whose overlap is exactly the minimum", () => {
    const g = lexicalGroundedness("Eiffel tower built 1950", "eiffel tower", { minOverlap: 0.5 });
    expect(g.claims[0]).toMatchObject({ overlap: 0.5, supported: true });
    expect(lexicalGroundedness("Eiffel tower built 1950", "eiffel tower", { minOverlap: 0.51 }).score).toBe(
      0,
    );
  });

  it("reads a list of context passages as separate texts", () => {
    // Joined without a separator, "Paris" and "tower" would run together into one unknown word.
    const g = lexicalGroundedness("Paris tower.", ["We met in Paris", "tower of Babel"]);
    expect(g.score).toBe(1);
    expect(lexicalGroundedness("Paris tower.", "We met in Paris").score).toBe(0);
  });
});
