/** The kinds of personal or secret data the PII engine finds. */
export type PiiType = "EMAIL" | "PHONE" | "CREDIT_CARD" | "IBAN" | "US_SSN" | "IP_ADDRESS" | "API_KEY";

/** Every built-in type, in the order overlaps are resolved (earlier wins). */
export const PII_TYPES: readonly PiiType[] = [
  "API_KEY",
  "EMAIL",
  "IBAN",
  "CREDIT_CARD",
  "US_SSN",
  "IP_ADDRESS",
  "PHONE",
];

/** One finding: `start` and `end` are UTF-16 code-unit offsets, as JavaScript strings index. */
export interface PiiSpan {
  type: PiiType | (string & {});
  start: number;
  end: number;
  /** `text.slice(start, end)`. */
  value: string;
}

/** A recognizer of your own by pattern: a global pattern, an optional check, and the type it reports. */
export interface PiiPatternRecognizer {
  type: string;
  /** Must have the `g` flag. Keep it linear: bounded repetitions, no nested quantifiers. */
  pattern: RegExp;
  /** Vetoes a match (a failed checksum, a look-alike); gets the text for context. */
  accept?: (value: string, text: string, start: number) => boolean;
}

/**
 * A recognizer of your own by function: whatever finds spans, such as an NER library or a
 * gazetteer (person names, addresses), which no pattern can. Synchronous, like `detectPii`.
 */
export interface PiiFinderRecognizer {
  type: string;
  /** Spans of `text` as UTF-16 code-unit offsets (as JavaScript strings index), `end` exclusive. */
  find: (text: string) => Iterable<{ start: number; end: number }>;
}

/** A recognizer of your own: by pattern or by function. */
export type PiiRecognizer = PiiPatternRecognizer | PiiFinderRecognizer;
