import { describe, expect, it } from "vitest";
import { defaultThreadCount } from "./default-threads.js";

describe("defaultThreadCount", () => {
  it("leaves one CPU free, stays within the math cores, and is at least 1", () => {
    expect(defaultThreadCount(2, 2)).toBe(1);
    expect(defaultThreadCount(1, 1)).toBe(1);
    expect(defaultThreadCount(8, 16)).toBe(8);
    expect(defaultThreadCount(16, 16)).toBe(15);
  });
});
