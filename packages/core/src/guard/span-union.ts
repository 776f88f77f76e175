/** A span of a text: UTF-16 code-unit offsets, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The spans in order of start, those that overlap joined into one. `joins(end, start)` may also
 * join two that do not overlap, given the gap between them ("Rue de la Loi 16 / Wetstraat 16").
 */
export function unionSpans(spans: readonly Span[], joins?: (end: number, start: number) => boolean): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && (s.start < last.end || joins?.(last.end, s.start))) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}
