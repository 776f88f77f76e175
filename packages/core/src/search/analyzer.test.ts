import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { analyze, createAnalyzer, ENGLISH_STOPWORDS, foldText } from "./analyzer.js";

describe("analyze", () => {
  it("lower-cases, drops Lucene's English stopwords and Porter-stems", () => {
    expect(analyze("The Runners were running into the generalizations")).toEqual([
      "runner",
      "were",
      "run",
      "gener",
    ]);
    expect(ENGLISH_STOPWORDS).toHaveLength(33);
  });

  it("folds diacritics and ligatures so accented and plain spellings meet", () => {
    expect(foldText("Ångström Café Straße Œuvre")).toBe("angstrom cafe strasse oeuvre");
    expect(analyze("naïve café")).toEqual(analyze("naive cafe"));
  });

  it("keeps decimals, inner apostrophes and thousands together and splits hyphens", () => {
    const a = createAnalyzer({ stemmer: false, stopwords: false });
    expect(a("COVID-19 rose 3.5% to 1,000 cases; e.g. don't")).toEqual([
      "covid",
      "19",
      "rose",
      "3.5",
      "to",
      "1,000",
      "cases",
      "e.g",
      "don't",
    ]);
  });

  it("removes English possessives", () => {
    expect(createAnalyzer({ stemmer: false })("Alzheimer's and Parkinson’s")).toEqual([
      "alzheimer",
      "parkinson",
    ]);
  });

  it("emits Han and kana one character a token, and keeps other scripts whole", () => {
    const a = createAnalyzer({ stemmer: false });
    expect(a("東京タワー")).toEqual(["東", "京", "タ", "ワ", "ー"]);
    expect(a("Москва город")).toEqual(["москва", "город"]);
  });

  it("drops over-long tokens and honours custom stopwords", () => {
    const a = createAnalyzer({ maxTokenLength: 5, stopwords: ["cat"], stemmer: false });
    expect(a("cat dog elephants")).toEqual(["dog"]);
  });

  it("refuses bad options with a typed error", () => {
    expect(() => createAnalyzer({ stemmer: "snowball" as never })).toThrow(InvalidRequestError);
    expect(() => createAnalyzer({ stopwords: "the" as never })).toThrow(/stopwords/);
  });
});
