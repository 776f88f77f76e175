// "@keel/core/guard": guardrails that cost microseconds, not a model call. Prompt-injection
// normalization and detection, isolation of untrusted content, one PII engine (detection,
// redaction, reversible pseudonymization), output filtering as a stream layer, and the
// data-residency policy. The event types ("guard.flagged", "residency.refused") are in the root.
export { canaryInstruction, createCanary } from "./canary.js";
export { ibanValid, luhnValid, shannonEntropy, ssnValid } from "./checksums.js";
export {
  type DecodedPayload,
  type DecodeOptions,
  decodePayloads,
  type PayloadEncoding,
  rot13,
  unleet,
} from "./decode-payloads.js";
export {
  checkUntrusted,
  DEFAULT_INJECTION_THRESHOLD,
  type DetectInjectionOptions,
  detectInjection,
  type InjectionReason,
  type InjectionVerdict,
} from "./detect-injection.js";
export { checkRecognizers, type DetectPiiOptions, detectPii } from "./detect-pii.js";
export { GuardBlockedError, type GuardFinding, ResidencyRefusedError } from "./guard-errors.js";
export { type ExtraDetector, type GuardOptions, guard } from "./guard-middleware.js";
export { foldHomoglyphs, isHomoglyph } from "./homoglyphs.js";
export {
  type InjectionClassifier,
  type InjectionWeights,
  injectionClassifier,
  loadInjectionClassifier,
} from "./injection-classifier.js";
export {
  injectionCounts,
  injectionFeatures,
  type SparseVector,
  weighInjectionCounts,
} from "./injection-features.js";
export {
  INJECTION_RULES,
  type InjectionCategory,
  type InjectionRule,
  UNTRUSTED_CONTENT_RULES,
} from "./injection-rules.js";
export { type ModelDetectorOptions, modelDetector } from "./model-detector.js";
export { type NormalizedText, normalizeText } from "./normalize.js";
export {
  checkOutputSchema,
  type FilteredText,
  OutputFilter,
  type OutputFilterOptions,
} from "./output-filter.js";
export { looksRandom } from "./pii-recognizers.js";
export {
  PII_TYPES,
  type PiiFinderRecognizer,
  type PiiPatternRecognizer,
  type PiiRecognizer,
  type PiiSpan,
  type PiiType,
} from "./pii-types.js";
export { createPseudonymizer, type Pseudonymizer } from "./pseudonymize.js";
export { createPiiRedactor, type Redact, type RedactPiiOptions, replaceSpans } from "./redact-pii.js";
export {
  isSensitive,
  markSensitive,
  notApprovedForSensitive,
  onlyApprovedForSensitive,
  type ResidencyOptions,
  SENSITIVE_KEY,
} from "./residency.js";
export { type Spotlighted, type SpotlightOptions, spotlight } from "./spotlight.js";
