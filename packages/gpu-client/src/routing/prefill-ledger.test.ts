import { describe, expect, it } from "vitest";
import { PrefillLedger } from "./prefill-ledger.js";

describe("the prefill ledger", () => {
  it("sums the uncached tokens of an endpoint's latest requests still before their first token", () => {
    const ledger = new PrefillLedger();
    ledger.record("a", 2000);
    ledger.record("a", 500);
    ledger.record("a", 100);
    ledger.record("b", 700);
    expect(ledger.pending("a", 0)).toBe(0);
    // First tokens come back oldest first: with one still prefilling, it is the newest.
    expect(ledger.pending("a", 1)).toBe(100);
    expect(ledger.pending("a", 2)).toBe(600);
    expect(ledger.pending("a", 3)).toBe(2600);
    // A count above the records (requests another policy instance sent) adds nothing unknown.
    expect(ledger.pending("a", 9)).toBe(2600);
    expect(ledger.pending("b", 1)).toBe(700);
    expect(ledger.pending("c", 4)).toBe(0);
  });

  it("forgets an endpoint, and keeps only the latest records", () => {
    const ledger = new PrefillLedger(3);
    for (let i = 1; i <= 6; i++) ledger.record("a", i);
    expect(ledger.pending("a", 100)).toBe(1 + 2 + 3 + 4 + 5 + 6);
    // Past twice the 3 it keeps, it is trimmed to the latest 3.
    ledger.record("a", 7);
    expect(ledger.pending("a", 100)).toBe(5 + 6 + 7);
    expect(ledger.pending("a", 2)).toBe(6 + 7);
    ledger.forget("a");
    expect(ledger.pending("a", 3)).toBe(0);
  });
});
