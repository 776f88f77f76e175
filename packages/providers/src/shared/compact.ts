/** A copy of `record` without the keys whose value is undefined, so request bodies carry only what was set. */
export function compact<T extends Record<string, unknown>>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const key in record) if (record[key] !== undefined) out[key] = record[key];
  return out as T;
}
