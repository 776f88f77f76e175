import { detectPii } from "../guard/detect-pii.js";
import type { PiiRecognizer, PiiType } from "../guard/pii-types.js";
import { type Redact, replaceSpans } from "../guard/redact-pii.js";

export type { Redact };

/** The kinds of data the built-in redactor finds (the guard's PII types, in telemetry's spelling). */
export type PiiKind = "api-key" | "email" | "credit-card" | "iban" | "ip" | "phone" | "ssn";

/** A pattern the redactor replaces; `accept` can veto a match (e.g. a failed checksum). */
export interface RedactionPattern {
  kind: string;
  pattern: RegExp;
  accept?: (match: string) => boolean;
}

export interface PiiRedactorOptions {
  /** Built-in kinds to look for. Default: all. */
  kinds?: PiiKind[];
  /** More patterns, applied after the built-in ones. Each must have the `g` flag. */
  patterns?: RedactionPattern[];
  /** The replacement text. Default `[redacted:<kind>]`. */
  replacement?: (kind: string, match: string) => string;
}

const TYPE_OF: Record<PiiKind, PiiType> = {
  "api-key": "API_KEY",
  email: "EMAIL",
  "credit-card": "CREDIT_CARD",
  iban: "IBAN",
  ip: "IP_ADDRESS",
  phone: "PHONE",
  ssn: "US_SSN",
};
const KIND_OF = new Map<string, string>(Object.entries(TYPE_OF).map(([kind, type]) => [type, kind]));

/**
 * Builds a redactor over the guard's PII engine (`@keel/core/guard`'s `detectPii`): emails, phone
 * numbers, payment cards (Luhn), IBANs (mod-97), US SSNs, IPv4/IPv6 addresses and API keys or
 * secrets become `[redacted:<kind>]`. Add `patterns` for your own data.
 */
export function piiRedactor(options: PiiRedactorOptions = {}): Redact {
  for (const p of options.patterns ?? [])
    if (!p.pattern.global) throw new TypeError(`piiRedactor: pattern for "${p.kind}" needs the g flag`);
  const types = (options.kinds ?? (Object.keys(TYPE_OF) as PiiKind[])).map((k) => TYPE_OF[k]);
  const recognizers: PiiRecognizer[] = (options.patterns ?? []).map(({ kind, pattern, accept }) => ({
    type: kind,
    pattern,
    ...(accept ? { accept: (value: string) => accept(value) } : {}),
  }));
  const replacement = options.replacement ?? ((kind: string) => `[redacted:${kind}]`);
  return (text) => {
    const spans = detectPii(text, { types, recognizers });
    if (spans.length === 0) return text;
    return replaceSpans(text, spans, (span) => replacement(KIND_OF.get(span.type) ?? span.type, span.value));
  };
}

/** The default redactor: every built-in kind. */
export const redactPii: Redact = piiRedactor();

/** Redacts API keys and secrets only: for error messages, which providers fill with echoed keys. */
export const redactSecrets: Redact = piiRedactor({ kinds: ["api-key"] });
