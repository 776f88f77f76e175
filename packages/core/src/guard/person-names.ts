import { optionalPeer } from "../optional-peer.js";
import type { PiiFinderRecognizer } from "./pii-types.js";

// PERSON: core ships no name detector of its own (no name list or NER model fits core's size),
// so it wires in compromise (an optional peer, 336 KB, pure JavaScript: it also runs on the edge),
// the maintained JavaScript NER, whose `people()` finds names from its English lexicon and
// grammar. How well: the guard README (`pnpm bench:names`).

const compromise = optionalPeer(
  "compromise",
  "@keel/core/guard (loadPersonNames)",
  () => import("compromise"),
);

/** One `out("offset")` entry: the name as found and where it starts, in UTF-16 code units. */
interface FoundName {
  text: string;
  offset: { start: number };
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
    find: (text) =>
      (nlp(text).people().out("offset") as FoundName[]).map(({ text: name, offset }) => ({
        start: offset.start,
        // compromise keeps what closes the sentence on the last word ("Lee." and "Lee,").
        end: offset.start + name.replace(/[\s.,;:!?'"’)\]]+$/u, "").length,
      })),
  };
}
