import { type DetectPiiOptions, detectPii } from "./detect-pii.js";
import type { PiiSpan } from "./pii-types.js";

/** Rewrites a text so it no longer carries personal or secret data. */
export type Redact = (text: string) => string;

export interface RedactPiiOptions extends DetectPiiOptions {
  /** The replacement for a span. Default `[redacted:<TYPE>]`. */
  replacement?: (span: PiiSpan) => string;
}

/** Replaces the given spans (sorted, non-overlapping, as `detectPii` returns them). */
export function replaceSpans(
  text: string,
  spans: readonly PiiSpan[],
  replacement: (span: PiiSpan) => string,
): string {
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + replacement(span);
    at = span.end;
  }
  return out + text.slice(at);
}

/** Builds a redactor that replaces every PII span `detectPii` finds. */
export function createPiiRedactor(options: RedactPiiOptions = {}): Redact {
  const replacement = options.replacement ?? ((span: PiiSpan) => `[redacted:${span.type}]`);
  return (text) => {
    const spans = detectPii(text, options);
    return spans.length === 0 ? text : replaceSpans(text, spans, replacement);
  };
}
