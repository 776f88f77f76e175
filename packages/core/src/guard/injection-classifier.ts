import { injectionFeatures } from "./injection-features.js";

/** A trained linear classifier over the hashed injection features. */
export interface InjectionClassifier {
  /** Probability-like score, 0–1, that the normalized `text` is an attack. */
  score(text: string): number;
}

/** Weights as the training script writes them (int8 bytes in base64, one scale). */
export interface InjectionWeights {
  bits: number;
  scale: number;
  bias: number;
  data: string;
}

// Past this many characters the features come from the head only: the text is scored by rules
// in full, and a classifier's L2-normalized features say no more about a megabyte than about 64 KB.
const MAX_CLASSIFIED_CHARS = 65_536;

function decodeBase64(data: string): Int8Array {
  const bin = atob(data);
  const bytes = new Int8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = (bin.charCodeAt(i) << 24) >> 24;
  return bytes;
}

/** Builds a classifier from weights (the built-in ones, or yours from the training script). */
export function injectionClassifier(weights: InjectionWeights): InjectionClassifier {
  const w = decodeBase64(weights.data);
  if (w.length !== 1 << weights.bits)
    throw new RangeError(
      `injection weights: ${w.length} bytes for ${weights.bits} bits (want ${1 << weights.bits})`,
    );
  return {
    score(text) {
      const x = injectionFeatures(text, weights.bits, MAX_CLASSIFIED_CHARS);
      let z = weights.bias;
      for (let i = 0; i < x.index.length; i++)
        z += (w[x.index[i] ?? 0] ?? 0) * weights.scale * (x.value[i] ?? 0);
      return 1 / (1 + Math.exp(-z));
    },
  };
}

let builtIn: Promise<InjectionClassifier> | undefined;

/**
 * Loads the built-in classifier (about 170 KB of weights) on first use and shares it; the
 * weights module is imported only when this is called, so importing the guard costs nothing.
 */
export function loadInjectionClassifier(): Promise<InjectionClassifier> {
  builtIn ??= import("./injection-weights.js").then((m) => injectionClassifier(m.INJECTION_WEIGHTS));
  return builtIn;
}
