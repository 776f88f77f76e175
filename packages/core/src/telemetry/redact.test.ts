import { describe, expect, it } from "vitest";
import { luhnValid } from "./luhn.js";
import { piiRedactor, redactPii } from "./redact.js";

describe("redactPii", () => {
  it.each([
    ["mail me at jane.doe+work@example.co.uk now", "mail me at [redacted:email] now"],
    ["card 4111 1111 1111 1111 ok", "card [redacted:credit-card] ok"],
    ["card 4111-1111-1111-1111", "card [redacted:credit-card]"],
    ["amex 378282246310005", "amex [redacted:credit-card]"],
    ["call +1 (415) 555-0123 today", "call [redacted:phone] today"],
    ["call 415-555-0123 today", "call [redacted:phone] today"],
    ["call 020 7946 0958", "call [redacted:phone]"],
    ["e164 +447946095812.", "e164 [redacted:phone]."],
    ["from 192.168.10.254 and 8.8.8.8", "from [redacted:ip] and [redacted:ip]"],
    ["v6 2001:db8:85a3::8a2e:370:7334 end", "v6 [redacted:ip] end"],
    ["v6 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "v6 [redacted:ip]"],
    ["key sk-proj-abcDEF1234567890abcdef1234", "key [redacted:api-key]"],
    ["anthropic sk-ant-api03-AbCdEf0123456789xyzXYZ", "anthropic [redacted:api-key]"],
    ["aws AKIAIOSFODNN7EXAMPLE", "aws [redacted:api-key]"],
    ["Authorization: Bearer abc.def-ghi_jkl012345", "Authorization: Bearer [redacted:api-key]"],
    ['{"api_key": "s3cr3t-value-1"}', '{"api_key": "[redacted:api-key]"}'],
  ])("redacts %j", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    "order 4111 1111 1111 1112 (fails Luhn)",
    "released 2024-01-15 at 10:30",
    "version 1.2.3 and 10.4",
    "took 1500 ms for 12 items",
    "ratio 3:4 and time 12:30:45",
  ])("leaves %j alone", (input) => {
    expect(redactPii(input)).toBe(input);
  });

  it("limits itself to the kinds asked for and applies extra patterns", () => {
    const redact = piiRedactor({
      kinds: ["email"],
      patterns: [{ kind: "ticket", pattern: /TICKET-\d+/g }],
      replacement: (kind) => `<${kind}>`,
    });
    expect(redact("a@b.io 8.8.8.8 TICKET-42")).toBe("<email> 8.8.8.8 <ticket>");
  });

  it("rejects a pattern without the g flag", () => {
    expect(() => piiRedactor({ patterns: [{ kind: "x", pattern: /x/ }] })).toThrow(/g flag/);
  });
});

describe("luhnValid", () => {
  it("accepts valid numbers and rejects others", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("")).toBe(false);
    expect(luhnValid("12a4")).toBe(false);
  });
});
