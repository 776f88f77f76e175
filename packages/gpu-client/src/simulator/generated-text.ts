const WORDS = [
  " the",
  " a",
  " of",
  " and",
  " to",
  " in",
  " is",
  " it",
  " GPU",
  " that",
  " for",
  " on",
  " with",
  " as",
  " KV",
  " we",
];

/** Deterministic output text: token `index` of a request seeded by `seed`, about 4 characters a token. */
export function tokenText(seed: number, index: number): string {
  let x = (seed * 2654435761 + index * 40503) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return WORDS[(x >>> 0) % WORDS.length]!;
}

/** A deterministic unit vector for a text (an embedding stand-in). */
export function textVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) * 31 + i) % dimensions]! += 1;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}
