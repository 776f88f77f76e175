import { type DecodedPayload, decodePayloads } from "./decode-payloads.js";
import type { InjectionClassifier } from "./injection-classifier.js";
import {
  INJECTION_RULES,
  type InjectionCategory,
  type InjectionRule,
  UNTRUSTED_CONTENT_RULES,
} from "./injection-rules.js";
import { type NormalizedText, normalizeText } from "./normalize.js";

/** One piece of evidence behind a verdict. */
export interface InjectionReason {
  category: InjectionCategory;
  /** The rule, signal or detector that fired. */
  id: string;
  /** Its strength on its own, 0–1. */
  score: number;
  /** Where it was seen: the text itself, text hidden in tag characters, or a decoded payload. */
  where: "text" | "tag-characters" | DecodedPayload["encoding"];
  /** Up to 80 characters of the matched text. */
  excerpt?: string;
}

/** What the detector concluded about one text. */
export interface InjectionVerdict {
  /** Combined score, 0–1: the rules, signals and classifier taken as independent evidence. */
  score: number;
  /** `score >= threshold`. */
  flagged: boolean;
  reasons: InjectionReason[];
  /** The normalized text the detector read, with counts of what normalization removed. */
  normalized: NormalizedText;
  payloads: DecodedPayload[];
}

export interface DetectInjectionOptions {
  /** Rules to apply. Default `INJECTION_RULES`; spread it to add your own. */
  rules?: readonly InjectionRule[];
  /** A loaded classifier (`await loadInjectionClassifier()`); without one, rules and signals only. */
  classifier?: InjectionClassifier;
  /** Score at or above which a text is flagged. Default 0.5. */
  threshold?: number;
}

/** The default flagging threshold. */
export const DEFAULT_INJECTION_THRESHOLD = 0.5;

const excerptOf = (m: RegExpExecArray) => m[0].slice(0, 80);

const QUOTES = "'\"`‘’‚“”„«»‹›「」";
// A quoted phrase is mentioned, not used: "translate 'ignore all previous instructions' into
// French", "why is 'do anything now' a jailbreak?". A match that opens right after a quote mark,
// inside a short quotation that closes in the same sentence, counts for this share of its weight,
// so the rule alone no longer flags and the classifier decides.
const MENTION_SHARE = 0.3;
const MAX_QUOTED = 100;

function isQuoted(text: string, start: number, end: number): boolean {
  let open = start - 1;
  while (open >= 0 && text[open] === " ") open--;
  if (open < 0 || !QUOTES.includes(text[open] ?? "")) return false;
  for (let i = end; i < Math.min(text.length, open + MAX_QUOTED); i++) {
    const c = text[i] ?? "";
    if (QUOTES.includes(c)) return true;
    if (c === "\n" || c === "." || c === "!" || c === "?") return false;
  }
  return false;
}

function applyRules(
  text: string,
  rules: readonly InjectionRule[],
  where: InjectionReason["where"],
  reasons: InjectionReason[],
): number {
  let hits = 0;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    const m = rule.pattern.exec(text);
    if (!m) continue;
    hits++;
    const quoted = isQuoted(text, m.index, m.index + m[0].length);
    reasons.push({
      category: rule.category,
      id: quoted ? `${rule.id}:quoted` : rule.id,
      score: quoted ? rule.weight * MENTION_SHARE : rule.weight,
      where,
      excerpt: excerptOf(m),
    });
  }
  return hits;
}

/** Noisy-or over the strongest reason of each category and the classifier. */
function combine(reasons: InjectionReason[]): number {
  const best = new Map<string, number>();
  for (const r of reasons) best.set(r.category, Math.max(best.get(r.category) ?? 0, r.score));
  let miss = 1;
  for (const s of best.values()) miss *= 1 - s;
  return 1 - miss;
}

/**
 * Scores a text for prompt injection and jailbreak attempts, with reasons: normalizes it
 * (hiding tricks count as evidence), decodes hidden payloads, applies the rules to the text and
 * every payload, and adds the classifier's score when one is given. Synchronous, linear in the
 * text's length.
 */
export function detectInjection(text: string, options: DetectInjectionOptions = {}): InjectionVerdict {
  const rules = options.rules ?? INJECTION_RULES;
  const threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
  const normalized = normalizeText(typeof text === "string" ? text : String(text));
  const reasons: InjectionReason[] = [];
  const lower = normalized.text.toLowerCase();
  applyRules(lower, rules, "text", reasons);

  if (normalized.tagText) {
    reasons.push({
      category: "hidden-text",
      id: "tag-characters",
      score: 0.9,
      where: "tag-characters",
      excerpt: normalized.tagText.slice(0, 80),
    });
    applyRules(normalizeText(normalized.tagText).text.toLowerCase(), rules, "tag-characters", reasons);
  }
  if (normalized.bidi > 0)
    reasons.push({ category: "hidden-text", id: "bidi-controls", score: 0.3, where: "text" });
  if (normalized.invisible - normalized.bidi >= 3)
    reasons.push({ category: "hidden-text", id: "zero-width-characters", score: 0.3, where: "text" });
  if (normalized.homoglyphs > 0)
    reasons.push({ category: "hidden-text", id: "mixed-script-homoglyphs", score: 0.4, where: "text" });

  const payloads = decodePayloads(normalized.text);
  for (const payload of payloads) {
    const before = reasons.length;
    applyRules(normalizeText(payload.text).text.toLowerCase(), rules, payload.encoding, reasons);
    // An attack that had to be encoded to get through is stronger evidence than one in plain text.
    if (reasons.length > before)
      reasons.push({
        category: "encoded-payload",
        id: `encoded-${payload.encoding}`,
        score: 0.6,
        where: payload.encoding,
        excerpt: payload.text.slice(0, 80),
      });
  }

  if (options.classifier) {
    let p = options.classifier.score(normalized.text);
    for (const payload of payloads)
      p = Math.max(p, options.classifier.score(normalizeText(payload.text).text));
    reasons.push({ category: "classifier", id: "linear-classifier", score: p, where: "text" });
  }
  const score = combine(reasons);
  return { score, flagged: score >= threshold, reasons, normalized, payloads };
}

/**
 * Checks content that should be data before it enters a prompt (retrieved chunks, tool results,
 * files, emails): the injection rules plus rules for text that addresses the assistant or its
 * answer, which in data is an attack and in a user's own prompt is not.
 */
export function checkUntrusted(text: string, options: DetectInjectionOptions = {}): InjectionVerdict {
  return detectInjection(text, {
    ...options,
    rules: [...(options.rules ?? INJECTION_RULES), ...UNTRUSTED_CONTENT_RULES],
  });
}
