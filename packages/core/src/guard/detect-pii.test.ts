import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { ibanValid, luhnValid, ssnValid } from "./checksums.js";
import { detectPii } from "./detect-pii.js";

const found = (text: string) => detectPii(text).map((s) => `${s.type}:${s.value}`);

describe("detectPii", () => {
  it.each([
    ["write to jane.doe+work@example.co.uk today", "EMAIL:jane.doe+work@example.co.uk"],
    ["card 4111 1111 1111 1111 ok", "CREDIT_CARD:4111 1111 1111 1111"],
    ["amex 3782-822463-10005", "CREDIT_CARD:3782-822463-10005"],
    ["call +1 (415) 555-0123 today", "PHONE:+1 (415) 555-0123"],
    ["Ruf an: +49 30 12345678", "PHONE:+49 30 12345678"],
    ["Tél. : +33 1 23 45 67 89", "PHONE:+33 1 23 45 67 89"],
    ["mobile 07700 900123", "PHONE:07700 900123"],
    ["IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN:DE89 3704 0044 0532 0130 00"],
    ["iban GB82WEST12345698765432.", "IBAN:GB82WEST12345698765432"],
    ["SSN 536-22-1234", "US_SSN:536-22-1234"],
    ["from 192.168.10.254/24 in", "IP_ADDRESS:192.168.10.254/24"],
    ["v6 2001:db8:85a3::8a2e:370:7334 end", "IP_ADDRESS:2001:db8:85a3::8a2e:370:7334"],
    ["mapped ::ffff:192.0.2.1 end", "IP_ADDRESS:::ffff:192.0.2.1"],
    ["key sk-proj-abcDEF1234567890abcdef1234", "API_KEY:sk-proj-abcDEF1234567890abcdef1234"],
    ["aws AKIAIOSFODNN7EXAMPLE", "API_KEY:AKIAIOSFODNN7EXAMPLE"],
    ["Authorization: Bearer abc.def-ghi_jkl012345", "API_KEY:abc.def-ghi_jkl012345"],
    ['{"password": "hunter2-but-longer"}', "API_KEY:hunter2-but-longer"],
    ["secret token aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA", "API_KEY:aB3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA"],
  ])("finds %j", (text, expected) => {
    expect(found(text)).toEqual([expected]);
  });

  it.each([
    "card 4111 1111 1111 1112 fails Luhn",
    "IBAN DE88 3704 0044 0532 0130 00 has bad check digits",
    "SSN 666-12-3456 and 000-12-3456 and 900-12-3456 are never issued",
    "released 2024-01-15 10:30:00, version 1.2.3.4 and v10.0.19045",
    "order #509-6324921-7254773 shipped; tracking 1Z999AA10123456784",
    "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b and uuid 550e8400-e29b-41d4-a716-446655440000",
    "icon@2x.png, std::vector<int>, time 12:30:45, MAC 00:1a:2b:3c:4d:5e",
    "INV-2024-00042 total 1,234,567 USD, ISBN 978-3-16-148410-0",
  ])("leaves %j alone", (text) => {
    expect(found(text)).toEqual([]);
  });

  it("reports UTF-16 offsets, as JavaScript strings index", () => {
    const text = "😀👍 mail ana@example.com";
    const [span] = detectPii(text);
    expect(span).toMatchObject({ type: "EMAIL", start: 10, end: 25 });
    expect(text.slice(span?.start, span?.end)).toBe("ana@example.com");
  });

  it("never reports overlapping spans: a card number is not also a phone number", () => {
    const spans = detectPii("pay 4111-1111-1111-1111 or call +1 415 555 0123");
    expect(spans.map((s) => s.type)).toEqual(["CREDIT_CARD", "PHONE"]);
  });

  it("limits itself to the types asked for and runs custom recognizers", () => {
    const spans = detectPii("TICKET-42 by a@b.io from 8.8.8.8", {
      types: ["EMAIL"],
      recognizers: [{ type: "TICKET", pattern: /TICKET-\d+/g, accept: (v) => v !== "TICKET-0" }],
    });
    expect(spans.map((s) => `${s.type}:${s.value}`)).toEqual(["TICKET:TICKET-42", "EMAIL:a@b.io"]);
  });

  it("rejects bad input with a typed error", () => {
    expect(() => detectPii(42 as unknown as string)).toThrow(InvalidRequestError);
    expect(() => detectPii("x", { recognizers: [{ type: "X", pattern: /x/ }] })).toThrow(/g flag/);
  });
});

describe("checksums", () => {
  it("Luhn, mod-97 and the SSN issuance rules", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("DE8937040044053201300")).toBe(false);
    expect(ssnValid("536221234")).toBe(true);
    expect(ssnValid("078051120")).toBe(false);
    expect(ssnValid("536001234")).toBe(false);
    expect(ssnValid("536220000")).toBe(false);
  });
});

describe("detectPii: overlaps and custom recognizers", () => {
  const spans = (text: string, options: Parameters<typeof detectPii>[1]) =>
    detectPii(text, options).map((s) => `${s.type}:${s.start}-${s.end}:${s.value}`);

  it("lets a built-in type win over a custom one it overlaps, and keeps custom spans elsewhere", () => {
    expect(
      spans("mail ana@example.com, ref ABC-123", {
        types: ["EMAIL"],
        recognizers: [
          { type: "WORDISH", pattern: /[a-z]+@?/g },
          { type: "REF", pattern: /[A-Z]{3}-\d+/g },
        ],
      }),
    ).toEqual(["WORDISH:0-4:mail", "EMAIL:5-20:ana@example.com", "WORDISH:22-25:ref", "REF:26-33:ABC-123"]);
  });

  it("prefers the earlier-listed custom recognizer where spans overlap", () => {
    const text = "abcdef";
    expect(
      spans(text, {
        types: [],
        recognizers: [
          { type: "FIRST", pattern: /cd/g },
          { type: "SECOND", pattern: /abcdef/g },
        ],
      }),
    ).toEqual(["FIRST:2-4:cd"]);
    expect(
      spans(text, {
        types: [],
        recognizers: [{ type: "ANY", pattern: /abc|bcdef|ef/g }],
      }),
    ).toEqual(["ANY:0-3:abc", "ANY:4-6:ef"]);
    expect(
      spans("xx abcd", {
        types: [],
        recognizers: [
          { type: "A", pattern: /ab/g },
          { type: "A2", pattern: /abcd|xx/g },
        ],
      }),
    ).toEqual(["A2:0-2:xx", "A:3-5:ab"]);
  });

  it("keeps every span of a cluster that does not overlap the chosen ones, sorted by position", () => {
    // "bcd" wins (higher rank) and overlaps both "ab" and "de"; "f" and "gh" stand alone.
    expect(
      spans("abcdefgh", {
        types: [],
        recognizers: [
          { type: "MID", pattern: /bcd/g },
          { type: "LOW", pattern: /ab|de|f|gh/g },
        ],
      }),
    ).toEqual(["MID:1-4:bcd", "LOW:5-6:f", "LOW:6-8:gh"]);
    expect(
      spans("abcdef", {
        types: [],
        recognizers: [
          { type: "HI", pattern: /cd/g },
          { type: "LO", pattern: /abc|def|a|f/g },
        ],
      }),
    ).toEqual(["HI:2-4:cd"]);
  });

  it("hands accept the value, the text and the offset, and skips empty matches", () => {
    const seen: Array<[string, string, number]> = [];
    const result = spans("id-1 id-2", {
      types: [],
      recognizers: [
        {
          type: "ID",
          pattern: /id-\d/g,
          accept: (value, text, start) => {
            seen.push([value, text, start]);
            return start > 0;
          },
        },
        { type: "EMPTY", pattern: /x*/g },
      ],
    });
    expect(result).toEqual(["ID:5-9:id-2"]);
    expect(seen).toEqual([
      ["id-1", "id-1 id-2", 0],
      ["id-2", "id-1 id-2", 5],
    ]);
  });

  it("finds the same spans when called again (patterns restart)", () => {
    const text = "a@b.io and c@d.io";
    expect(detectPii(text)).toEqual(detectPii(text));
    expect(detectPii(text)).toHaveLength(2);
  });

  it("checks custom recognizers: a RegExp with the g flag, naming the bad one", () => {
    expect(() =>
      detectPii("x", { recognizers: [{ type: "BAD", pattern: "x" as unknown as RegExp }] }),
    ).toThrow('PII recognizer "BAD": pattern must be a RegExp with the g flag');
    expect(() => detectPii(null as unknown as string)).toThrow(
      "detectPii: text must be a string, got object",
    );
  });

  it("finds nothing with types: [] and no recognizers", () => {
    expect(detectPii("a@b.io 8.8.8.8", { types: [] })).toEqual([]);
  });
});

describe("detectPii: chained overlaps", () => {
  const spans = (text: string, recognizers: Array<{ type: string; pattern: RegExp }>) =>
    detectPii(text, { types: [], recognizers }).map((s) => `${s.type}:${s.start}-${s.end}`);

  it("keeps a span that only touches the winner, reported in text order", () => {
    // "bcd" bridges "ab" and "cde"; "cde" wins, "ab" ends where it starts, so both stay.
    expect(
      spans("abcde", [
        { type: "HI", pattern: /cde/g },
        { type: "LO", pattern: /ab/g },
        { type: "MID", pattern: /bcd/g },
      ]),
    ).toEqual(["LO:0-2", "HI:2-5"]);
    // "abc" wins; "de" starts where it ends; "cd" bridges them.
    expect(
      spans("abcde", [
        { type: "HI", pattern: /abc/g },
        { type: "LO", pattern: /de/g },
        { type: "MID", pattern: /cd/g },
      ]),
    ).toEqual(["HI:0-3", "LO:3-5"]);
  });

  it("drops every span that overlaps a kept one, and keeps one that overlaps only a dropped one", () => {
    // "abc" wins; "cdef" overlaps it and goes; "ef" overlapped only "cdef" and stays.
    expect(
      spans("abcdefg", [
        { type: "HI", pattern: /abc/g },
        { type: "LO", pattern: /ef/g },
        { type: "MID", pattern: /cdef/g },
      ]),
    ).toEqual(["HI:0-3", "LO:4-6"]);
  });
});

describe("detectPii: overlaps resolved over the whole text", () => {
  it("never reports two overlapping spans, wherever their recognizers found them", () => {
    // "aXXX" overlaps "aaaaa" only; "bbbbb" comes between them in recognizer order.
    const spans = detectPii("aaaaaXXXyybbbbb", {
      types: [],
      recognizers: [
        { type: "R1", pattern: /aaaaa/g },
        { type: "R2", pattern: /bbbbb/g },
        { type: "R3", pattern: /aXXX/g },
      ],
    }).map((s) => `${s.type}:${s.start}-${s.end}`);
    expect(spans).toEqual(["R1:0-5", "R2:10-15"]);
  });

  it("prefers the longer of two overlapping spans of one type", () => {
    // A known AWS key prefix with more random characters glued on: the longer token wins.
    for (const text of [
      "key AKIAIOSFODNN7EXAMPLE+aB3dE5gH7jK9mN1pQ",
      "here is the access key AKIAIOSFODNN7EXAMPLE+aB3dE5gH7jK9mN1pQ",
    ])
      expect(detectPii(text, { types: ["API_KEY"] }).map((s) => s.value)).toEqual([
        "AKIAIOSFODNN7EXAMPLE+aB3dE5gH7jK9mN1pQ",
      ]);
  });
});

describe("detectPii: recognizers by function (NER, gazetteers)", () => {
  // A toy gazetteer standing in for an NER library: every listed name, wherever it occurs.
  const gazetteer = (names: string[]) => ({
    type: "PERSON",
    *find(text: string) {
      for (const name of names)
        for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1))
          yield { start: at, end: at + name.length };
    },
  });

  it("reports a finder's spans with their values, merged with the patterns' by the same overlap rules", () => {
    const text = "Ana Lima (ana@lima.io) met 🙂 Bo Chen.";
    const spans = detectPii(text, { recognizers: [gazetteer(["Ana Lima", "Bo Chen", "lima.io"])] });
    expect(spans.map((s) => `${s.type}:${s.value}`)).toEqual([
      "PERSON:Ana Lima",
      "EMAIL:ana@lima.io",
      "PERSON:Bo Chen",
    ]);
    // UTF-16 offsets: the emoji before "Bo Chen" counts two code units.
    expect(spans[2]).toMatchObject({ start: 30, end: 37 });
  });

  it("refuses a span that is not one of this text, and a find that is not a function, typed", () => {
    const bad = (start: number, end: number) => ({ type: "X", find: () => [{ start, end }] });
    for (const [start, end] of [
      [-1, 2],
      [2, 2],
      [3, 1],
      [0, 99],
      [0.5, 2],
    ] as const)
      expect(() => detectPii("hello", { recognizers: [bad(start, end)] })).toThrow(
        /PII recognizer "X": found .+, not a span of a 5-character text/,
      );
    expect(detectPii("hello", { recognizers: [bad(0, 5)] })).toEqual([
      { type: "X", start: 0, end: 5, value: "hello" },
    ]);
    const notAFunction = { type: "Y", find: "names" } as unknown as Parameters<typeof detectPii>[1];
    expect(() => detectPii("hello", { recognizers: [notAFunction as never] })).toThrow(InvalidRequestError);
    expect(() => detectPii("hello", { recognizers: [notAFunction as never] })).toThrow(
      'PII recognizer "Y": find must be a function',
    );
  });
});
