import { InvalidRequestError } from "@keel/core";

/**
 * Splits text into the deltas a synthesized stream sends. Without `chunks`: one piece per word,
 * each keeping its leading whitespace (like real tokens, " world"). With `chunks`: that many
 * near-equal pieces by code point (fewer when the text is shorter). Joining the pieces gives the text.
 */
export function splitText(text: string, chunks?: number): string[] {
  if (text === "") return [];
  if (chunks === undefined) {
    const words = text.match(/\s*\S+/g) ?? [];
    const consumed = words.join("").length;
    // Trailing whitespace (or an all-whitespace text) rides on the last piece so nothing is lost.
    if (consumed < text.length) {
      if (words.length === 0) return [text];
      words[words.length - 1] += text.slice(consumed);
    }
    return words;
  }
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new InvalidRequestError(`keel test server: chunks must be a positive integer, got ${chunks}`);
  }
  const points = Array.from(text);
  const size = Math.ceil(points.length / chunks);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(""));
  return pieces;
}

/** Splits a string into fixed-size fragments, as providers stream tool-call arguments. */
export function fragments(value: string, size = 12): string[] {
  const points = Array.from(value);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""));
  return out;
}

/** A deterministic token estimate (ceil(chars / 4), at least 1) used when a script gives no usage. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The prompt-ish part of a request body (messages, contents, input, system), as one string for estimates. */
export function promptOf(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body === "string" ? body : "";
  const fields = body as Record<string, unknown>;
  const parts = [fields.system, fields.messages, fields.contents, fields.input, fields.instructions]
    .filter((value) => value !== undefined)
    .map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
  return parts.join("\n");
}
