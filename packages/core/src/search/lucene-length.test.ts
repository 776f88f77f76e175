import { describe, expect, it } from "vitest";
import { luceneLength } from "./lucene-length.js";

describe("luceneLength", () => {
  it("keeps short lengths exact and rounds longer ones down to Lucene's byte values", () => {
    for (let i = 0; i < 40; i++) expect(luceneLength(i)).toBe(i);
    // Lucene's SmallFloat.byte4ToInt table runs 0..39 one by one, then 40, 42, 44, ..., 56, 60, ...
    expect(luceneLength(39)).toBe(39);
    expect(luceneLength(41)).toBe(40);
    expect(luceneLength(59)).toBe(56);
    expect(luceneLength(100)).toBe(96);
    expect(luceneLength(250)).toBe(248);
    for (let n = 24; n < 5000; n++) {
      const q = luceneLength(n);
      expect(q).toBeLessThanOrEqual(n);
      expect(q).toBeGreaterThan(n * 0.85);
      expect(luceneLength(q)).toBe(q);
    }
  });
});
