import { injectionFeatures } from "./injection-features.js";

/** A trained linear classifier over the hashed injection features. */
export interface InjectionClassifier {
  /** Probability-like score, 0–1, that the normalized `text` is an attack. */
  score(text: string): number;
}

/**
 * Weights as the training script writes them: int8 bytes in base64 with one scale, and the
 * optional per-bucket inverse document frequencies as uint8 bytes in base64 with their own scale.
 * The bias already holds the calibrated threshold, so a score of 0.5 is the decision point.
 */
export interface InjectionWeights {
  bits: number;
  scale: number;
  bias: number;
  data: string;
  idf?: { scale: number; data: string };
}

// Past this many characters the features come from the head only: the text is scored by rules
// in full, and a classifier's L2-normalized features say no more about a megabyte than about 64 KB.
const MAX_CLASSIFIED_CHARS = 65_536;

function decodeBase64(data: string): Uint8Array {
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Builds a classifier from weights (the built-in ones, or yours from the training script). */
export function injectionClassifier(weights: InjectionWeights): InjectionClassifier {
  const raw = decodeBase64(weights.data);
  const w = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  if (w.length !== 1 << weights.bits)
    throw new RangeError(
      `injection weights: ${w.length} bytes for ${weights.bits} bits (want ${1 << weights.bits})`,
    );
  let idf: Float32Array | undefined;
  if (weights.idf) {
    const bytes = decodeBase64(weights.idf.data);
    if (bytes.length !== w.length)
      throw new RangeError(`injection weights: ${bytes.length} idf bytes for ${w.length} weights`);
    idf = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) idf[i] = (bytes[i] ?? 0) * weights.idf.scale;
  }
  return {
    score(text) {
      const x = injectionFeatures(text, weights.bits, MAX_CLASSIFIED_CHARS, idf);
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
