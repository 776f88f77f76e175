import type { RagDocument } from "../types.js";

/**
 * Version 1: 20 documents. Version 2: documents 0–9 rewritten (different length, so different
 * chunks), 18 and 19 gone, 20 and 21 new.
 */
export function versionedDocuments(version: number): RagDocument[] {
  const ids = version === 1 ? [...Array(20).keys()] : [...Array(18).keys(), 20, 21];
  return ids.map((i) => {
    const rewritten = version === 2 && i < 10;
    const sentences = rewritten ? 2 + (i % 3) : 4 + (i % 4);
    const text = Array.from(
      { length: sentences },
      (_, s) =>
        `Doc ${i} ${rewritten ? "revised" : "original"} sentence ${s} about subject ${(i * 7 + s) % 13}.`,
    ).join(" ");
    return { id: `doc${i}`, text, metadata: { version: rewritten ? 2 : 1 } };
  });
}
