import type { StreamEvent } from "../model.js";

/** How far back into the delivered text a repeat is looked for, in characters. */
const MAX_OVERLAP_CHARS = 1000;
/**
 * A repeat must start at a word boundary of the delivered text unless it is at least this long:
 * "cat" + "tastes" must not lose its "t", but "environment" + "ments" is a repeat of "ment".
 */
const MIN_MIDWORD_OVERLAP = 4;

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const WHITESPACE = /\s/u;

/**
 * How many leading characters of `continuation` repeat the end of `delivered`: the longest suffix
 * of `delivered` (trailing whitespace aside) that `continuation` starts with, after the
 * continuation's own leading whitespace, then any leading whitespace the delivered text already
 * ends with. Returns undefined while more continuation text could still change the answer;
 * with `complete` (no more text will come) it always decides.
 */
export function repeatedLength(
  delivered: string,
  continuation: string,
  complete: boolean,
): number | undefined {
  const lead = leadingWhitespace(continuation);
  if (lead === continuation.length && !complete) return undefined;
  const repeated = longestRepeat(delivered.trimEnd(), continuation.slice(lead), complete);
  if (repeated === undefined) return undefined;
  const skip = repeated > 0 ? lead + repeated : 0;
  const rest = continuation.slice(skip);
  const restLead = leadingWhitespace(rest);
  if (restLead === rest.length && !complete) return undefined;
  return skip + sharedWhitespace(delivered, rest.slice(0, restLead));
}

/** The part of `continuation` that does not repeat the end of `delivered`. */
export function stripOverlap(delivered: string, continuation: string): string {
  return continuation.slice(repeatedLength(delivered, continuation, true) ?? 0);
}

/**
 * Passes a fallback model's continuation stream through, holding back its first text until it is
 * clear how much of it repeats what the caller already has, then dropping that much.
 */
export class ContinuationJoiner {
  #held = "";
  #settled = false;

  constructor(readonly delivered: string) {}

  /** The events to pass on for one incoming event. */
  push(event: StreamEvent): StreamEvent[] {
    if (this.#settled) return [event];
    if (event.type === "text-delta") {
      this.#held += event.text;
      return this.#release(false);
    }
    // Metadata and usage (Gemini sends usage on every chunk) do not end the text being compared.
    if (event.type === "response-metadata" || event.type === "usage" || this.#held === "") return [event];
    return [...this.#release(true), event];
  }

  /** The text still held back when the continuation ends. */
  end(): StreamEvent[] {
    return this.#settled ? [] : this.#release(true);
  }

  #release(complete: boolean): StreamEvent[] {
    const skip = repeatedLength(this.delivered, this.#held, complete);
    if (skip === undefined) return [];
    this.#settled = true;
    const text = this.#held.slice(skip);
    this.#held = "";
    return text === "" ? [] : [{ type: "text-delta", text }];
  }
}

/** Longest suffix of `before` that `after` starts with; undefined while a longer one may still match. */
function longestRepeat(before: string, after: string, complete: boolean): number | undefined {
  // Scanning from the longest suffix down: the first full match is the longest.
  for (let start = Math.max(0, before.length - MAX_OVERLAP_CHARS); start < before.length; start++) {
    const length = before.length - start;
    if (!mayStartRepeat(before, start, length)) continue;
    if (length > after.length) {
      if (!complete && before.startsWith(after, start)) return undefined;
    } else if (after.startsWith(before.slice(start))) {
      return length;
    }
  }
  return 0;
}

function mayStartRepeat(text: string, start: number, length: number): boolean {
  if (length >= MIN_MIDWORD_OVERLAP || start === 0) return true;
  return !WORD_CHAR.test(text[start - 1]!) || !WORD_CHAR.test(text[start]!);
}

function leadingWhitespace(text: string): number {
  let n = 0;
  while (n < text.length && WHITESPACE.test(text[n]!)) n++;
  return n;
}

/** Length of the longest prefix of `whitespace` that `text` already ends with. */
function sharedWhitespace(text: string, whitespace: string): number {
  for (let n = Math.min(whitespace.length, text.length); n > 0; n--) {
    if (text.endsWith(whitespace.slice(0, n))) return n;
  }
  return 0;
}
