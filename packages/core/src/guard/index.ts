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
  DEFAULT_INJECTION_THRESHOLD,
  type DetectInjectionOptions,
  detectInjection,
  type InjectionReason,
  type InjectionVerdict,
} from "./detect-injection.js";
export { checkRecognizers, type DetectPiiOptions, detectPii } from "./detect-pii.js";
export { foldHomoglyphs, isHomoglyph } from "./homoglyphs.js";
export {
  type InjectionClassifier,
  type InjectionWeights,
  injectionClassifier,
  loadInjectionClassifier,
} from "./injection-classifier.js";
export { injectionFeatures, type SparseVector } from "./injection-features.js";
export { INJECTION_RULES, type InjectionCategory, type InjectionRule } from "./injection-rules.js";
export { type NormalizedText, normalizeText } from "./normalize.js";
export { looksRandom } from "./pii-recognizers.js";
export { PII_TYPES, type PiiRecognizer, type PiiSpan, type PiiType } from "./pii-types.js";
export { createPseudonymizer, type Pseudonymizer } from "./pseudonymize.js";
export { createPiiRedactor, type Redact, type RedactPiiOptions, replaceSpans } from "./redact-pii.js";
