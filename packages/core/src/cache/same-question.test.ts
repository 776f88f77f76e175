import { describe, expect, it } from "vitest";
import { sameKeyFacts } from "./content-guard.js";
import { sameQuestion } from "./same-question.js";

// Near-misses that the facts-only guard lets through (same numbers, negations and names).
const nearMisses: Array<[string, string]> = [
  ["How many kilometers are in 5 miles?", "How many meters are in 5 miles?"],
  ["Is a lion stronger than a tiger?", "Is a lion weaker than a tiger?"],
  ["What should I eat before a marathon?", "What should I eat after a marathon?"],
  ["How do I cancel my subscription?", "How do I renew my subscription?"],
  ["Is it safe to drink tap water?", "Is it unsafe to drink tap water?"],
  ["Is a lion stronger than a tiger?", "Is a tiger stronger than a lion?"],
  ["How many kilometers are in 5 miles?", "How many miles are in 5 kilometers?"],
  [
    "Does the train from Boston to New York stop in Providence?",
    "Does the train from New York to Boston stop in Providence?",
  ],
  ["Is Mount Everest taller than K2?", "Is K2 taller than Mount Everest?"],
  ["What is the boiling point of ethanol?", "What is the boiling point of methanol?"],
  // A typo in the word between two entities must not hide their swap.
  ["Does the dog chase the cat?", "Does the cat chasse the dog?"],
];

const paraphrases: Array<[string, string]> = [
  ["How do I reset my password?", "How can I reset my password?"],
  ["What is the capital of France?", "Could you tell me what the capital of France is?"],
  ["How do I reset my password?", "How do I reset my pasword?"],
  ["What should I eat before a marathon?", "Before a marathon, what should I eat?"],
  ["Is tea or coffee healthier?", "Is coffee or tea healthier?"],
  ["Is the earth round?", "Is it true that the earth is round?"],
];

describe("sameQuestion (the semantic cache's default guard)", () => {
  it.each(nearMisses)("turns away %s / %s, which sameKeyFacts lets through", (a, b) => {
    expect(sameKeyFacts(a, b)).toBe(true);
    expect(sameQuestion(a, b)).toBe(false);
    expect(sameQuestion(b, a)).toBe(false);
  });

  it.each(paraphrases)("lets %s / %s through", (a, b) => {
    expect(sameQuestion(a, b)).toBe(true);
    expect(sameQuestion(b, a)).toBe(true);
  });

  it("keeps the facts checks: numbers, negations and names", () => {
    expect(sameQuestion("Is a fever of 38 degrees dangerous?", "Is a fever of 40 degrees dangerous?")).toBe(
      false,
    );
    expect(sameQuestion("Is the account verified?", "Is the account not verified?")).toBe(false);
    expect(sameQuestion("Who is the CEO of Microsoft?", "Who is the CEO of Apple?")).toBe(false);
  });
});

describe("sameQuestion's word matching", () => {
  const base = "How do I reset my password?";
  it.each([
    ["a changed letter", "How do I reset my passwerd?"],
    ["two neighbouring letters swapped", "How do I reset my passowrd?"],
    ["a dropped letter", "How do I reset my pasword?"],
    ["an added letter", "How do I reset my passsword?"],
  ])("forgives one typo in a long word: %s", (_, typo) => {
    expect(sameQuestion(base, typo)).toBe(true);
    expect(sameQuestion(typo, base)).toBe(true);
  });

  it.each([
    ["two changed letters", "How do I reset my pessward?"],
    ["two letters changed side by side", "How do I reset my paxxword?"],
    ["two letters swapped across a third", "How do I reset my pssaword?"],
    ["two swaps", "How do I reset my psaswrod?"],
    ["a dropped and a changed letter", "How do I reset my pasward?"],
    ["a different first letter", "How do I reset my bassword?"],
    ["two letters fewer", "How do I reset my passwd?"],
    ["two neighbouring letters changed, one to its neighbour's", "How do I reset my pasxsord?"],
    ["two neighbouring letters changed, the other to its neighbour's", "How do I reset my paswxord?"],
  ])("does not forgive %s", (_, other) => {
    expect(sameQuestion(base, other)).toBe(false);
    expect(sameQuestion(other, base)).toBe(false);
  });

  it("forgives no typo in a word of four letters or fewer, nor in one with digits", () => {
    expect(sameQuestion("Where is my cat?", "Where is my car?")).toBe(false);
    expect(sameQuestion("Where is the hose?", "Where is the hose house?")).toBe(false);
    expect(sameQuestion("Where is the hose house?", "Where is the hose?")).toBe(false);
    expect(sameQuestion("Where is the hose house?", "Where is the house?")).toBe(false);
    expect(sameQuestion("Where is the house?", "Where is the huose?")).toBe(true);
    expect(sameQuestion("specs of the x100a camera", "specs of the x100b camera")).toBe(false);
  });

  it("turns away multi-word sides trading places around 'into' or 'by'", () => {
    expect(
      sameQuestion(
        "How do I convert US dollars into Swiss francs?",
        "How do I convert Swiss francs into US dollars?",
      ),
    ).toBe(false);
    expect(
      sameQuestion(
        "Was the chess club founded by the science teacher?",
        "Was the science teacher founded by the chess club?",
      ),
    ).toBe(false);
  });

  it("judges a word's role by its first mention", () => {
    expect(
      sameQuestion(
        "price of a ticket from home to work and back to home",
        "price of a ticket from home to work and back",
      ),
    ).toBe(true);
  });

  it("tells a name from the same word in lower case (the facts check)", () => {
    expect(sameQuestion("When will the bill be paid?", "When will Bill be paid?")).toBe(false);
  });

  it("needs every meaning word of each prompt in the other", () => {
    expect(sameQuestion("How do I reset my password?", "How do I reset my email password?")).toBe(false);
    expect(sameQuestion("How do I reset my email password?", "How do I reset my password?")).toBe(false);
  });

  it("lets symmetric words trade places, and a 'from ... to ...' clause move, but not the sides of a verb", () => {
    expect(
      sameQuestion(
        "For breakfast, is tea or coffee healthier?",
        "For breakfast, is coffee or tea healthier?",
      ),
    ).toBe(true);
    expect(sameQuestion("Does the dog chase the cat?", "Does the cat chase the dog?")).toBe(false);
    expect(sameQuestion("Is it a long way from Paris to Rome?", "Is it a long way to Rome from Paris?")).toBe(
      true,
    );
  });
});
