import { describe, expect, it } from "vitest";
import { pipe } from "../../pipe.js";
import { scriptedModel } from "../../testing/scripted-model.js";
import { detectPii } from "../detect-pii.js";
import { guard } from "../guard-middleware.js";
import { createPseudonymizer } from "../pseudonymize.js";
import { loadPersonNames } from "./person-names.js";

describe("loadPersonNames", () => {
  it("finds names with compromise, in UTF-16 offsets, without what closes the sentence", async () => {
    const names = await loadPersonNames();
    const text = "🚚 Please send the contract to Maria Gonzalez. Ask James Smith, too.";
    const spans = detectPii(text, { types: [], recognizers: [names] });
    expect(spans.map((s) => [s.type, s.value, s.start])).toEqual([
      ["PERSON", "Maria Gonzalez", 31],
      ["PERSON", "James Smith", 51],
    ]);
    expect(detectPii("The Golden Gate Bridge was foggy on Sunday.", { recognizers: [names] })).toEqual([]);
    // Punctuation around a name stays out of its span.
    for (const quoted of [
      "Call (Maria Gonzalez).",
      'He said "James Smith" left.',
      "Did you ask James Smith?!",
    ])
      expect(detectPii(quoted, { types: [], recognizers: [names] }).map((s) => s.value)).toEqual([
        quoted.includes("Maria") ? "Maria Gonzalez" : "James Smith",
      ]);
  });

  it("adds names after a title or in a greeting, one span where both find the same name", async () => {
    const names = await loadPersonNames();
    const text = "Sehr geehrte Frau Schneider, wie besprochen. Dear Maria Gonzalez, thanks.";
    expect(detectPii(text, { types: [], recognizers: [names] }).map((s) => s.value)).toEqual([
      "Schneider",
      "Maria Gonzalez",
    ]);
    expect([...names.find("Dear Maria Gonzalez,")]).toEqual([{ start: 5, end: 19 }]);
    // Spans in order of start, each name whole whichever recognizer saw more of it.
    const two = "Hallo Kwabena, frag Maria Gonzalez. Dear Ms Ana de la Vega, thanks.";
    expect([...names.find(two)].map((s) => two.slice(s.start, s.end))).toEqual([
      "Kwabena",
      "Maria Gonzalez",
      "Ana de la Vega",
    ]);
  });

  it("loads compromise once and serves the pseudonymizer and the guard", async () => {
    const [a, b] = await Promise.all([loadPersonNames(), loadPersonNames()]);
    expect(a.type).toBe("PERSON");
    expect(b.type).toBe("PERSON");
    const p = createPseudonymizer({ types: ["EMAIL"], recognizers: [a] });
    expect(p.pseudonymize("Write to James Smith at js@example.com.")).toBe(
      "Write to <PERSON_1> at <EMAIL_1>.",
    );
    expect(p.restore("Done, <PERSON_1> has it.")).toBe("Done, James Smith has it.");

    const inner = scriptedModel(["ok"]);
    await pipe(inner, guard({ injection: false, pii: { action: "redact", recognizers: [b] } })).generate({
      messages: [{ role: "user", content: "Forward the report to Maria Gonzalez." }],
    });
    expect(inner.requests[0]?.messages[0]?.content).toBe("Forward the report to [redacted:PERSON].");
  });
});
