import { describe, expect, it } from "vitest";
import { createPseudonymizer } from "./pseudonymize.js";
import { createPiiRedactor } from "./redact-pii.js";

describe("createPseudonymizer", () => {
  it("replaces each distinct value with a stable placeholder and restores them", () => {
    const p = createPseudonymizer();
    const masked = p.pseudonymize(
      "Mail ana@example.com or bo@example.org; again ana@example.com, call +49 30 12345678",
    );
    expect(masked).toBe("Mail <EMAIL_1> or <EMAIL_2>; again <EMAIL_1>, call <PHONE_1>");
    expect(p.pseudonymize("cc ana@example.com")).toBe("cc <EMAIL_1>");
    expect(p.restore("I wrote to <EMAIL_2> and <EMAIL_1>; <EMAIL_9> is unknown")).toBe(
      "I wrote to bo@example.org and ana@example.com; <EMAIL_9> is unknown",
    );
    expect([...p.entries.keys()]).toEqual(["<EMAIL_1>", "<EMAIL_2>", "<PHONE_1>"]);
    expect(p.longestPlaceholder).toBe("<EMAIL_1>".length);
  });

  it("numbers placeholders past 9 and restores the two-digit ones", () => {
    const p = createPseudonymizer({ types: ["EMAIL"] });
    const emails = Array.from({ length: 11 }, (_, i) => `user${i}@example.com`);
    expect(p.pseudonymize(emails.join(" "))).toContain("<EMAIL_10> <EMAIL_11>");
    expect(p.restore("<EMAIL_11> and <EMAIL_1>")).toBe("user10@example.com and user0@example.com");
    expect(p.longestPlaceholder).toBe("<EMAIL_10>".length);
  });

  it("keeps types apart and can be limited to some", () => {
    const p = createPseudonymizer({ types: ["IBAN"] });
    expect(p.pseudonymize("IBAN DE89 3704 0044 0532 0130 00, mail a@b.io")).toBe(
      "IBAN <IBAN_1>, mail a@b.io",
    );
  });
});

describe("createPiiRedactor", () => {
  it("replaces spans with [redacted:TYPE] or your replacement", () => {
    expect(createPiiRedactor()("key AKIAIOSFODNN7EXAMPLE from 10.0.0.1")).toBe(
      "key [redacted:API_KEY] from [redacted:IP_ADDRESS]",
    );
    expect(createPiiRedactor({ replacement: (s) => "*".repeat(s.value.length) })("a@b.io")).toBe("******");
  });
});
