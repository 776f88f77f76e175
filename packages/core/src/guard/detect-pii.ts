import { InvalidRequestError } from "../errors.js";
import { PII_RECOGNIZERS } from "./pii-recognizers.js";
import {
  PII_TYPES,
  type PiiFinderRecognizer,
  type PiiRecognizer,
  type PiiSpan,
  type PiiType,
} from "./pii-types.js";

export interface DetectPiiOptions {
  /** Built-in types to look for. Default: all of `PII_TYPES`. */
  types?: readonly PiiType[];
  /** Recognizers of your own, run after the built-in ones; their spans lose overlaps to them. */
  recognizers?: readonly PiiRecognizer[];
}

/** Checks custom recognizers once, so a bad one fails where it is configured. */
export function checkRecognizers(recognizers: readonly PiiRecognizer[]): void {
  for (const r of recognizers) {
    if ("find" in r) {
      if (typeof r.find !== "function")
        throw new InvalidRequestError(`PII recognizer "${r.type}": find must be a function`);
    } else if (!(r.pattern instanceof RegExp) || !r.pattern.global)
      throw new InvalidRequestError(`PII recognizer "${r.type}": pattern must be a RegExp with the g flag`);
  }
}

/** The spans a finder reports, refused typed when one is not a span of this text. */
function* foundBy(r: PiiFinderRecognizer, text: string): Generator<{ start: number; end: number }> {
  for (const { start, end } of r.find(text)) {
    if (
      !(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= text.length)
    )
      throw new InvalidRequestError(
        `PII recognizer "${r.type}": found ${String(start)}–${String(end)}, not a span of a ${text.length}-character text`,
      );
    yield { start, end };
  }
}

/**
 * Finds emails, phone numbers, payment cards (Luhn), IBANs (mod-97), US SSNs, IP addresses and
 * API keys or secrets in a text. Spans never overlap (a card number is not also a phone number)
 * and come sorted by position; offsets are UTF-16 code units. Linear in the text's length.
 */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiSpan[] {
  if (typeof text !== "string")
    throw new InvalidRequestError(`detectPii: text must be a string, got ${typeof text}`);
  const wanted = new Set<string>(options.types ?? PII_TYPES);
  const found: Array<PiiSpan & { rank: number }> = [];
  for (const recognizer of PII_RECOGNIZERS) {
    if (!wanted.has(recognizer.type)) continue;
    const rank = PII_TYPES.indexOf(recognizer.type);
    recognizer.pattern.lastIndex = 0;
    for (const m of text.matchAll(recognizer.pattern)) {
      const span = recognizer.resolve(m, text);
      if (span && span.end > span.start)
        found.push({ type: recognizer.type, ...span, value: text.slice(span.start, span.end), rank });
    }
  }
  const custom = options.recognizers ?? [];
  // Stryker disable next-line ConditionalExpression,EqualityOperator: checkRecognizers of an empty list checks nothing; the guard only skips a call
  if (custom.length > 0) checkRecognizers(custom);
  custom.forEach((r, i) => {
    const rank = PII_TYPES.length + i;
    if ("find" in r) {
      for (const { start, end } of foundBy(r, text))
        found.push({ type: r.type, start, end, value: text.slice(start, end), rank });
      return;
    }
    for (const m of text.matchAll(r.pattern)) {
      if (m[0].length === 0 || (r.accept && !r.accept(m[0], text, m.index))) continue;
      found.push({
        type: r.type,
        start: m.index,
        end: m.index + m[0].length,
        value: m[0],
        rank,
      });
    }
  });
  return resolveOverlaps(found);
}

/**
 * Keeps the best span where spans overlap: higher-ranked type first, then the longer span. Spans
 * are split into clusters of mutually overlapping ones first, so the work stays linear when, as
 * usual, few spans overlap.
 */
function resolveOverlaps(found: Array<PiiSpan & { rank: number }>): PiiSpan[] {
  found.sort((a, b) => a.start - b.start);
  const kept: PiiSpan[] = [];
  let cluster: Array<PiiSpan & { rank: number }> = [];
  let clusterEnd = -1;
  const flush = () => {
    cluster.sort((a, b) => a.rank - b.rank || b.end - b.start - (a.end - a.start) || a.start - b.start);
    const chosen: PiiSpan[] = [];
    for (const span of cluster)
      if (!chosen.some((k) => k.start < span.end && span.start < k.end))
        chosen.push({ type: span.type, start: span.start, end: span.end, value: span.value });
    kept.push(...chosen.sort((a, b) => a.start - b.start));
    cluster = [];
  };
  for (const span of found) {
    if (span.start >= clusterEnd && cluster.length > 0) flush();
    cluster.push(span);
    clusterEnd = Math.max(clusterEnd, span.end);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: flushing an empty cluster adds nothing
  if (cluster.length > 0) flush();
  return kept;
}
