import { describe, expect, it } from "vitest";
import { detectPii } from "../detect-pii.js";
import { titledNames } from "./titled-names.js";

const found = (text: string) => [...titledNames.find(text)].map((s) => text.slice(s.start, s.end));

describe("titledNames", () => {
  it.each([
    ["Sehr geehrte Frau Schneider, vielen Dank.", ["Schneider"]],
    ["Hallo Jonas, wie geht's?", ["Jonas"]],
    ["Dear Ms Okafor, your order shipped.", ["Okafor"]],
    ["Bonjour M. Dupont, merci Mme Marie-Claire Lefèvre.", ["Dupont", "Marie-Claire Lefèvre"]],
    ["Estimada Sra. García, le escribo.", ["García"]],
    ["Gentile dott.ssa Bianchi, la ringrazio. Ciao Luca!", ["Bianchi", "Luca"]],
    ["Beste mevr. de Vries, bedankt.", ["de Vries"]],
    ["Olá Sr. João da Silva, obrigado.", ["João da Silva"]],
    ["Thanks Priya Raghunathan for the notes.", ["Priya Raghunathan"]],
    ["Hi Allison, thanks.", ["Allison"]],
    ["Sehr geehrte Frau von der Leyen, Sehr geehrter Herr Dr. Müller", ["von der Leyen", "Müller"]],
  ])("finds the name in %j", (text, names) => {
    expect(found(text)).toEqual(names);
  });

  it.each([
    "Hi All, the release is out.",
    "Dear Sir or Madam,",
    "Liebe Grüße aus Berlin",
    "Danke Schön für alles",
    "Mr. and Mrs. are titles.",
    "The M Street bridge and M25 are closed.",
  ])("finds nothing in %j", (text) => {
    expect(found(text)).toEqual([]);
  });

  it("reports UTF-16 offsets and serves detectPii", () => {
    expect(detectPii("🎉 Hallo Zoë!", { types: [], recognizers: [titledNames] })).toEqual([
      { type: "PERSON", start: 9, end: 12, value: "Zoë" },
    ]);
  });
});
