import type { Metadata } from "@keel/core/search";

/** Metadata as a string that is equal for equal metadata whatever its key order, for content hashes. */
export function canonicalMetadata(metadata: Metadata | undefined): string {
  if (!metadata) return "{}";
  return JSON.stringify(
    Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}
