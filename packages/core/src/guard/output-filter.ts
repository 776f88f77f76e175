import { InvalidRequestError } from "../errors.js";
import { detectPii } from "./detect-pii.js";
import type { GuardFinding } from "./guard-errors.js";
import type { PiiType } from "./pii-types.js";

export interface OutputFilterOptions {
  /** PII and secret types to redact from answers. Default: `["API_KEY"]`; `[]` for none. */
  pii?: readonly PiiType[];
  /** Canary tokens planted in the system prompt (`createCanary`): an answer holding one leaks it. */
  canaries?: readonly string[];
  /** Words or phrases (case-insensitive) or global RegExps an answer must not contain. */
  denyList?: ReadonlyArray<string | RegExp>;
  /** Hosts links may point to (a host or any subdomain of it); other links are removed. */
  allowLinks?: readonly string[];
  /** What to do on a finding: replace it in the text (default) or fail the call. */
  action?: "redact" | "block";
  /**
   * The answer must be JSON that this schema accepts (a zod schema or anything with
   * `safeParse`); checked when the answer is complete, and a failure always blocks.
   */
  schema?: { safeParse(value: unknown): { success: boolean } };
}

/** Checks a complete answer against `schema`: undefined when it passes, else the finding. */
export function checkOutputSchema(
  text: string,
  schema: NonNullable<OutputFilterOptions["schema"]>,
): GuardFinding | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return { kind: "schema", id: "not-json" };
  }
  return schema.safeParse(value).success ? undefined : { kind: "schema", id: "schema-mismatch" };
}

/** One filtered piece of text and what was found in it. */
export interface FilteredText {
  text: string;
  findings: GuardFinding[];
}

interface Match {
  start: number;
  end: number;
  finding: GuardFinding;
  replacement: string;
}

const URL = /\bhttps?:\/\/[^\s<>"'`)\]]{1,2048}/gi;
// Spans that may still grow are held back: up to this many characters (a phone number or IBAN
// with spaces fits), or the whole last word when it is longer (a key, a URL).
const HOLD_CHARS = 64;
const MAX_HELD_WORD = 4096;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A streaming filter for model output: secrets and PII, leaked canary tokens, deny-listed terms
 * and links to hosts not on the allow-list. `push` takes each text delta and returns what is
 * safe to show now, holding back only the last few characters that a match could still span;
 * `flush` returns the rest at the end. Matches are replaced (`[redacted:TYPE]`, `[removed]`) or,
 * with `action: "block"`, reported for the caller to stop.
 */
export class OutputFilter {
  readonly #pii: readonly PiiType[];
  readonly #terms: RegExp[];
  readonly #canaries: readonly string[];
  readonly #allow: readonly string[];
  readonly #holdTerms: number;
  #pending = "";

  constructor(options: OutputFilterOptions = {}) {
    this.#pii = options.pii ?? ["API_KEY"];
    this.#canaries = (options.canaries ?? []).filter((c) => c.length > 0);
    this.#allow = (options.allowLinks ?? []).map((h) => h.toLowerCase());
    this.#terms = (options.denyList ?? []).map((term) => {
      if (typeof term === "string") return new RegExp(escapeRegExp(term), "gi");
      if (!(term instanceof RegExp) || !term.global)
        throw new InvalidRequestError("output filter: a deny-list RegExp needs the g flag");
      return term;
    });
    const longest = Math.max(
      0,
      ...this.#canaries.map((c) => c.length),
      ...(options.denyList ?? []).map((t) => (typeof t === "string" ? t.length : 0)),
    );
    this.#holdTerms = Math.max(0, longest - 1);
  }

  /** Takes the next delta; returns the text that can be shown now. */
  push(delta: string): FilteredText {
    this.#pending += delta;
    const text = this.#pending;
    const matches = this.#find(text);
    let cut = Math.max(0, text.length - this.#holdBack(text));
    // Never cut through a match: it goes out whole or not yet.
    for (const m of matches) if (m.start < cut && m.end > cut) cut = m.start;
    // A match that ends exactly at the end of the text may still grow.
    for (const m of matches) if (m.end === text.length && m.start < cut) cut = m.start;
    this.#pending = text.slice(cut);
    return apply(
      text.slice(0, cut),
      matches.filter((m) => m.end <= cut),
    );
  }

  /** The end of the answer: everything still held back, filtered. */
  flush(): FilteredText {
    const text = this.#pending;
    this.#pending = "";
    return apply(text, this.#find(text));
  }

  /** Filters a whole answer at once (generate). */
  filter(text: string): FilteredText {
    return apply(text, this.#find(text));
  }

  #holdBack(text: string): number {
    const lastSpace = Math.max(text.lastIndexOf(" "), text.lastIndexOf("\n"));
    const lastWord = Math.min(text.length - lastSpace - 1, MAX_HELD_WORD);
    return Math.max(HOLD_CHARS, lastWord) + this.#holdTerms;
  }

  #find(text: string): Match[] {
    const found: Match[] = [];
    for (const span of this.#pii.length ? detectPii(text, { types: this.#pii }) : [])
      found.push({
        ...span,
        finding: { kind: "pii", id: span.type },
        replacement: `[redacted:${span.type}]`,
      });
    for (const canary of this.#canaries) {
      for (let at = text.indexOf(canary); at >= 0; at = text.indexOf(canary, at + canary.length))
        found.push({
          start: at,
          end: at + canary.length,
          finding: { kind: "canary", id: "canary" },
          replacement: "[removed]",
        });
    }
    for (const term of this.#terms) {
      for (const m of text.matchAll(term))
        if (m[0].length > 0)
          found.push({
            start: m.index,
            end: m.index + m[0].length,
            finding: { kind: "deny-list", id: term.source },
            replacement: "[removed]",
          });
    }
    if (this.#allow.length > 0) {
      for (const m of text.matchAll(URL)) {
        // Punctuation that ends the sentence is not part of the link.
        const url = m[0].replace(/[.,;:!?]+$/, "");
        const host = hostOf(url);
        if (host && !this.#allow.some((a) => host === a || host.endsWith(`.${a}`)))
          found.push({
            start: m.index,
            end: m.index + url.length,
            finding: { kind: "link", id: host },
            replacement: "[link removed]",
          });
      }
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: Match[] = [];
    for (const m of found) if (!kept.length || m.start >= (kept.at(-1)?.end ?? 0)) kept.push(m);
    return kept;
  }
}

function hostOf(url: string): string | undefined {
  const m = /^https?:\/\/(?:[^@/\s]*@)?([^/:?#\s]+)/i.exec(url);
  return m?.[1]?.toLowerCase().replace(/\.$/, "");
}

function apply(text: string, matches: Match[]): FilteredText {
  if (matches.length === 0) return { text, findings: [] };
  let out = "";
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + m.replacement;
    at = m.end;
  }
  return { text: out + text.slice(at), findings: matches.map((m) => m.finding) };
}
