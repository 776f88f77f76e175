import { type DetectPiiOptions, detectPii } from "./detect-pii.js";
import { replaceSpans } from "./redact-pii.js";

/**
 * Reversible pseudonymization: each distinct value becomes a placeholder such as `<EMAIL_1>`,
 * the same value always the same placeholder, so a model can still refer to "<EMAIL_1>" and
 * `restore` puts the real value back into its answer for the user. The mapping lives only in
 * this object (keep one per conversation); nothing is sent anywhere.
 */
export interface Pseudonymizer {
  /** The text with every PII span replaced by its placeholder. */
  pseudonymize(text: string): string;
  /** The text with every known placeholder replaced by its original value. */
  restore(text: string): string;
  /** Placeholder → original value, in order of first sight. */
  readonly entries: ReadonlyMap<string, string>;
  /** The longest placeholder issued so far, for holding back a partial one in a stream. */
  readonly longestPlaceholder: number;
}

const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)_(\d+)>/g;

/** Creates a pseudonymizer; pass `DetectPiiOptions` to choose the types it replaces. */
export function createPseudonymizer(options: DetectPiiOptions = {}): Pseudonymizer {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counters = new Map<string, number>();
  let longest = 0;
  return {
    pseudonymize(text) {
      const spans = detectPii(text, options);
      return replaceSpans(text, spans, (span) => {
        const key = `${span.type}\u0000${span.value}`;
        let placeholder = byValue.get(key);
        if (placeholder === undefined) {
          const n = (counters.get(span.type) ?? 0) + 1;
          counters.set(span.type, n);
          placeholder = `<${span.type}_${n}>`;
          byValue.set(key, placeholder);
          byPlaceholder.set(placeholder, span.value);
          longest = Math.max(longest, placeholder.length);
        }
        return placeholder;
      });
    },
    restore(text) {
      return text.replace(PLACEHOLDER, (placeholder) => byPlaceholder.get(placeholder) ?? placeholder);
    },
    get entries() {
      return byPlaceholder;
    },
    get longestPlaceholder() {
      return longest;
    },
  };
}
