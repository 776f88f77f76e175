import { describe, expect, it } from "vitest";
import { tokenize13a } from "./tokenizer-13a.js";

// Expected outputs follow mteval-v13a.pl's rules as sacrebleu's tokenizer_13a.py applies them.
describe("sacrebleu's 13a tokenizer", () => {
  it("splits off every ASCII symbol except the apostrophe, hyphen, period and comma", () => {
    expect(tokenize13a('a{b|c}d~e[f\\g]h^i_j`k!l"m#n$o%p&q(r)s*t+u:v;w<x=y>z?A@B/C')).toBe(
      'a { b | c } d ~ e [ f \\ g ] h ^ i _ j ` k ! l " m # n $ o % p & q ( r ) s * t + u : v ; w < x = y > z ? A @ B / C',
    );
    expect(tokenize13a("rock'n'roll well-known")).toBe("rock'n'roll well-known");
  });

  it("splits a period or comma off a word but keeps them inside numbers", () => {
    expect(tokenize13a("Yes, e.g. this.")).toBe("Yes , e . g . this .");
    expect(tokenize13a("pi is 3.14, 1,000 people, 2.")).toBe("pi is 3.14 , 1,000 people , 2 .");
    // A leading period or comma follows a space, a non-digit.
    expect(tokenize13a(".5 and ,5")).toBe(". 5 and , 5");
    expect(tokenize13a("5.x 5,y")).toBe("5 . x 5 , y");
  });

  it("splits a hyphen off a preceding digit only", () => {
    expect(tokenize13a("2-3 pages, x-ray, -4")).toBe("2 - 3 pages , x-ray , -4");
  });

  it("unescapes the four HTML entities mteval knows, after which their characters split too", () => {
    expect(tokenize13a("&quot;hi&quot; &lt;b&gt; A&amp;B &apos;")).toBe('" hi " < b > A & B & apos ;');
  });

  it("joins words hyphenated across a line break, turns other line breaks into spaces and drops <skipped>", () => {
    expect(tokenize13a("hyphen-\nated\ntext<skipped> end")).toBe("hyphenated text end");
  });

  it("collapses runs of whitespace and trims the ends", () => {
    expect(tokenize13a("  a \t b  ")).toBe("a b");
    expect(tokenize13a("")).toBe("");
  });
});
