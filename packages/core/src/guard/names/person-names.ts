import { optionalPeer } from "../../optional-peer.js";
import type { PiiFinderRecognizer } from "../pii-types.js";
import { unionSpans } from "../span-union.js";
import { TITLE, titledNames } from "./titled-names.js";

// PERSON: core ships no name list or NER model of its own (none fits core's size), so it wires in
// compromise (an optional peer, 336 KB, pure JavaScript: it also runs on the edge),
// the maintained JavaScript NER, whose `people()` finds names from its English lexicon and
// grammar. How well: the guard README (`pnpm bench:names`).

const compromise = optionalPeer("compromise", "@keel/core/guard/names", () => import("compromise"));

const LEADING_TITLE = new RegExp(`^${TITLE} (?=\\p{Lu})`, "u");

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
    find: (text) => {
      const found = (nlp(text).people().out("offset") as FoundName[]).map(({ terms }) => {
        // A match always holds at least one word.
        const first = (terms[0] as Term).offset;
        const last = (terms[terms.length - 1] as Term).offset;
        // A title is not part of the name ("Frau Schneider" gives "Schneider").
        const title = LEADING_TITLE.exec(text.slice(first.start, last.start + last.length))?.[0].length ?? 0;
        return { start: first.start + title, end: last.start + last.length };
      });
      // compromise reads English; a title or a greeting marks names in the other languages too.
      return unionSpans([...found, ...titledNames.find(text)]);
    },
  };
}
