import { optionalPeer } from "../../optional-peer.js";
import type { PiiFinderRecognizer } from "../pii-types.js";

// PERSON: core ships no name detector of its own (no name list or NER model fits core's size),
// so it wires in compromise (an optional peer, 336 KB, pure JavaScript: it also runs on the edge),
// the maintained JavaScript NER, whose `people()` finds names from its English lexicon and
// grammar. How well: the guard README (`pnpm bench:names`).

const compromise = optionalPeer("compromise", "@keel/core/guard/names", () => import("compromise"));

/** A word of a match: where it starts and its length, in UTF-16 code units. */
interface Term {
  offset: { start: number; length: number };
}
/** One `out("offset")` entry: its words. */
interface FoundName {
  terms: Term[];
}

/**
 * A `PERSON` recognizer by function over compromise's `people()`, for `detectPii`, the
 * pseudonymizer and `guard({ pii: { recognizers } })`. Imports compromise on the first call;
 * without it installed, rejects with `ProviderUnavailableError` naming the package to install.
 */
export async function loadPersonNames(): Promise<PiiFinderRecognizer> {
  const { default: nlp } = await compromise.load();
  return {
    type: "PERSON",
    // From the first word's start to the last word's end: a match's own text and offset carry
    // the punctuation around it ("(Maria Gonzalez).").
    find: (text) =>
      (nlp(text).people().out("offset") as FoundName[]).map(({ terms }) => {
        // A match always holds at least one word.
        const first = (terms[0] as Term).offset;
        const last = (terms[terms.length - 1] as Term).offset;
        return { start: first.start, end: last.start + last.length };
      }),
  };
}
