import { luhnValid } from "./luhn.js";

/** Rewrites a text so it no longer carries personal or secret data. */
export type Redact = (text: string) => string;

/** The kinds of data the built-in redactor finds. */
export type PiiKind = "api-key" | "email" | "credit-card" | "ip" | "phone";

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

const digitsOf = (s: string) => s.replace(/\D/g, "");

// Order matters: secrets and emails first (they contain digits and dots), then card numbers
// (so a 16-digit card is not taken for a phone number), IPs, and phone numbers last.
const BUILT_IN: Array<RedactionPattern & { kind: PiiKind }> = [
  {
    kind: "api-key",
    pattern:
      /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})|(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*|(?<=\b(?:api[_-]?key|secret|token|password)["']?\s*[:=]\s*["']?)[^\s"',;]{8,}/gi,
  },
  { kind: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    kind: "credit-card",
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    accept: (match) => luhnValid(digitsOf(match)),
  },
  {
    kind: "ip",
    pattern:
      /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b|(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}(?![\w:])|(?<![\w:])::1(?![\w:])/gi,
  },
  {
    kind: "phone",
    pattern:
      /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,3}(?![\w-])|\+\d{8,15}\b/g,
    accept: (match) => {
      const n = digitsOf(match).length;
      // Seven digits at least; without a + or parentheses, ask for a phone-like grouping so
      // dates (2024-01-15) and versions (1.2.3) stay.
      return n >= 7 && n <= 15 && (/[+(]/.test(match) || /\d{3,4}[ .-]\d{4}$/.test(match));
    },
  },
];

/**
 * Builds a redactor that replaces emails, phone numbers, payment card numbers (Luhn-checked),
 * IPv4/IPv6 addresses and API keys or bearer tokens with `[redacted:<kind>]`. Pattern-based:
 * it catches the common shapes, not every possible one; add `patterns` for your own data.
 */
export function piiRedactor(options: PiiRedactorOptions = {}): Redact {
  const kinds = new Set<string>(options.kinds ?? BUILT_IN.map((p) => p.kind));
  for (const p of options.patterns ?? [])
    if (!p.pattern.global) throw new TypeError(`piiRedactor: pattern for "${p.kind}" needs the g flag`);
  const patterns = [...BUILT_IN.filter((p) => kinds.has(p.kind)), ...(options.patterns ?? [])];
  const replacement = options.replacement ?? ((kind: string) => `[redacted:${kind}]`);
  return (text) => {
    let out = text;
    for (const { kind, pattern, accept } of patterns) {
      out = out.replace(pattern, (match) => (accept && !accept(match) ? match : replacement(kind, match)));
    }
    return out;
  };
}

/** The default redactor: every built-in kind. */
export const redactPii: Redact = piiRedactor();
