import { EvalInputError } from "../errors/index.js";

/** Strict exact match: 1 when the prediction equals one of the references character for character, else 0. */
export function exactMatch(prediction: string, references: string | readonly string[]): number {
  const refs = typeof references === "string" ? [references] : references;
  return refs.includes(prediction) ? 1 : 0;
}

/** 1 when `text` contains `needle` (optionally ignoring case), else 0. */
export function contains(text: string, needle: string, options: { ignoreCase?: boolean } = {}): number {
  if (options.ignoreCase) return text.toLowerCase().includes(needle.toLowerCase()) ? 1 : 0;
  return text.includes(needle) ? 1 : 0;
}

/** Share of `needles` that `text` contains (1 when all do). */
export function containsAll(
  text: string,
  needles: readonly string[],
  options: { ignoreCase?: boolean } = {},
): number {
  if (needles.length === 0) throw new EvalInputError("containsAll needs at least one string to look for");
  let hits = 0;
  for (const n of needles) hits += contains(text, n, options);
  return hits / needles.length;
}

/** 1 when the regular expression (a RegExp, or a pattern string compiled with `flags`) matches `text`, else 0. */
export function matchesRegex(text: string, pattern: RegExp | string, flags?: string): number {
  let re: RegExp;
  try {
    re = typeof pattern === "string" ? new RegExp(pattern, flags) : pattern;
  } catch (cause) {
    throw new EvalInputError(`invalid regular expression /${String(pattern)}/: ${(cause as Error).message}`, {
      cause,
    });
  }
  re.lastIndex = 0;
  return re.test(text) ? 1 : 0;
}
