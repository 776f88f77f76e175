import { describe, expect, it } from "vitest";
import { foldHomoglyphs, isHomoglyph } from "./homoglyphs.js";

describe("isHomoglyph", () => {
  it("knows Cyrillic, Greek and Latin-extended look-alikes of ASCII letters, lower and upper case", () => {
    // Cyrillic а, Greek ο (omicron), α, ρ, lunate sigma ϲ, Latin ɡ, Cyrillic А, Greek Ο.
    for (const ch of ["\u0430", "\u03BF", "\u03B1", "\u03C1", "\u03F2", "\u0261", "\u0410", "\u039F"])
      expect(isHomoglyph(ch), ch).toBe(true);
    for (const ch of ["a", "o", "\u0431", "\u03B2", " ", ""]) expect(isHomoglyph(ch), ch).toBe(false);
  });
});

describe("foldHomoglyphs", () => {
  it("folds Greek look-alikes in a Latin word as it does Cyrillic ones", () => {
    // "ignοre" with a Greek omicron; "αdmin" with a Greek alpha; "ѕudo" with Cyrillic dze.
    expect(foldHomoglyphs("ign\u03BFre \u03B1dmin \u0455udo")).toEqual({
      text: "ignore admin sudo",
      folded: 3,
    });
  });

  it("folds only words that mix scripts, and counts the letters folded", () => {
    expect(foldHomoglyphs("\u0440\u0430y\u0440\u0430l and \u043C\u0438\u0440")).toEqual({
      text: "paypal and \u043C\u0438\u0440",
      folded: 4,
    });
  });

  it("returns the very text when nothing was folded", () => {
    const text = "\u041F\u0440\u0438\u0432\u0435\u0442, plain words";
    expect(foldHomoglyphs(text)).toEqual({ text, folded: 0 });
    expect(foldHomoglyphs("")).toEqual({ text: "", folded: 0 });
  });

  it("takes the whole word around a look-alike: letters and combining marks on both sides", () => {
    // The word is "se\u0301\u0441ret" (é written with a combining accent, Cyrillic с): folded whole.
    expect(foldHomoglyphs("my se\u0301\u0441ret key").text).toBe("my se\u0301cret key");
    // Several look-alikes in one word are visited once.
    expect(foldHomoglyphs("x\u0430\u0430\u0430x y\u0435y")).toEqual({ text: "xaaax yey", folded: 4 });
  });

  it("keeps the text between and after the folded words as it is", () => {
    expect(foldHomoglyphs("1. \u0430b, 2. \u0441d! 3. \u0435f?").text).toBe("1. ab, 2. cd! 3. ef?");
    expect(foldHomoglyphs("start \u0430b").text).toBe("start ab");
    expect(foldHomoglyphs("\u0430b end").text).toBe("ab end");
  });

  it("ends a word at a non-letter: digits and punctuation stay outside it", () => {
    // "\u0430" alone is a Cyrillic word (no ASCII letter in it): left alone, though "b" follows after a digit.
    expect(foldHomoglyphs("\u04301b")).toEqual({ text: "\u04301b", folded: 0 });
    expect(foldHomoglyphs("b-\u0430")).toEqual({ text: "b-\u0430", folded: 0 });
  });
});

describe("foldHomoglyphs: word edges", () => {
  it("finds the ASCII letters of a word before the look-alike too", () => {
    // "sudо" ends in a Cyrillic о: the Latin letters are all before it.
    expect(foldHomoglyphs("run sud\u043E now")).toEqual({ text: "run sudo now", folded: 1 });
  });

  it("leaves a word in one script alone even right beside a Latin word", () => {
    const text = "\u041F\u0440\u0438\u0432\u0435\u0442 world";
    expect(foldHomoglyphs(text)).toEqual({ text, folded: 0 });
  });
});
