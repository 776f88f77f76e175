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
