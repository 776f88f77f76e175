import { describe, expect, it } from "vitest";
import { describeStateStore } from "./__fixtures__/state-store-contract.js";
import { compareKeys, InMemoryStateStore } from "./in-memory-state-store.js";

describeStateStore("InMemoryStateStore", async () => new InMemoryStateStore({ maxValueBytes: 64 * 1024 }));

describe("compareKeys", () => {
  it("orders by code point, as UTF-8 bytes sort", () => {
    const keys = ["\u{1F600}", "\uFFFD", "b", "a", "ab", "é"];
    expect([...keys].sort(compareKeys)).toEqual(["a", "ab", "b", "é", "\uFFFD", "\u{1F600}"]);
  });
});
