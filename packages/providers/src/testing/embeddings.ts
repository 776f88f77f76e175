import { InvalidRequestError } from "@keel/core";
import { estimateTokens } from "./text-chunks.js";

/**
 * A deterministic unit vector for a text, by feature hashing: each lowercased word adds a
 * pseudo-random vector seeded by its hash, and the sum is normalised. Equal texts give equal
 * vectors and texts that share words point the same way, so similarity search works offline.
 * Values are rounded to float32 so JSON floats and base64 float32 agree exactly.
 */
export function embedText(text: string, dimensions: number): number[] {
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new InvalidRequestError(
      `keel test server: embedding dimensions must be a positive integer, got ${dimensions}`,
    );
  }
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  const sum = new Array<number>(dimensions).fill(0);
  for (const word of words) {
    const next = mulberry32(fnv1a(word));
    for (let d = 0; d < dimensions; d++) sum[d]! += next() * 2 - 1;
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((value) => Math.fround(value / norm));
}

/** OpenAI /v1/embeddings answer (float arrays, or base64 float32 when `encoding_format` asks). */
export function openaiEmbeddings(body: any, defaultDimensions: number, model: string | undefined) {
  const inputs = openaiInputs(body?.input);
  const dimensions = typeof body?.dimensions === "number" ? body.dimensions : defaultDimensions;
  const base64 = body?.encoding_format === "base64";
  return {
    object: "list",
    data: inputs.map((input, index) => {
      const vector = embedText(input, dimensions);
      return { object: "embedding", index, embedding: base64 ? float32Base64(vector) : vector };
    }),
    model: model ?? body?.model ?? "keel-test-embedding",
    usage: {
      prompt_tokens: inputs.reduce((total, input) => total + estimateTokens(input), 0),
      total_tokens: inputs.reduce((total, input) => total + estimateTokens(input), 0),
    },
  };
}

/** Gemini embedContent answer. */
export function geminiEmbedContent(body: any, defaultDimensions: number) {
  return { embedding: { values: geminiVector(body, defaultDimensions) } };
}

/** Gemini batchEmbedContents answer, one embedding per request, in order. */
export function geminiBatchEmbedContents(body: any, defaultDimensions: number) {
  if (!Array.isArray(body?.requests)) {
    throw new InvalidRequestError("keel test server: batchEmbedContents needs a `requests` array");
  }
  return {
    embeddings: body.requests.map((request: any) => ({ values: geminiVector(request, defaultDimensions) })),
  };
}

function geminiVector(request: any, defaultDimensions: number): number[] {
  const parts = request?.content?.parts;
  if (!Array.isArray(parts)) {
    throw new InvalidRequestError("keel test server: embedContent needs `content.parts`");
  }
  const text = parts.map((part: any) => (typeof part?.text === "string" ? part.text : "")).join("");
  const dimensions =
    typeof request?.outputDimensionality === "number" ? request.outputDimensionality : defaultDimensions;
  return embedText(text, dimensions);
}

function openaiInputs(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0) {
    // Token-id inputs (number[] or number[][]) are embedded by their id sequence.
    if (input.every((item) => typeof item === "number")) return [input.join(" ")];
    if (input.every((item) => typeof item === "string")) return input as string[];
    if (input.every((item) => Array.isArray(item))) return input.map((ids) => (ids as number[]).join(" "));
  }
  throw new InvalidRequestError(
    "keel test server: embeddings `input` must be a string, string[] or token ids",
  );
}

function float32Base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
