import type { PiiFinderRecognizer } from "../pii-types.js";
import { unionSpans } from "../span-union.js";
import { type Candidate, streetCandidates } from "./street-address-shapes.js";
import { TAILS, type TailRead, UNIT_BEFORE } from "./street-address-tails.js";

// STREET_ADDRESS: a street found by its shape (street-address-shapes.ts) is extended over what
// follows it as part of the address (street-address-tails.ts); shapes too weak alone count only
// with a city or a postal code after them. A street without a number is not an address ("we
// walked down Oxford Street"), nor a city or a postal code alone.

/**
 * The text with each run of spaces and tabs as one space, and none before a comma or after a
 * line break ("1600  Lakeshore   Rd ,  Burlington"), with the offset in `text` of each character
 * kept, so spans found in the copy map back.
 */
function collapseSpaces(text: string): { text: string; from: (i: number) => number } {
  // Stryker disable next-line ConditionalExpression,Regex: a fast path; the copy below equals the text when none of these occur
  if (!/[ \t\u00A0]{2}|[\t\u00A0]| ,| \n|\n /.test(text)) return { text, from: (i) => i };
  const parts: string[] = [];
  const at: number[] = []; // at[k]: the offset in text of the copy's k-th character
  const keep = (from: number, to: number) => {
    parts.push(text.slice(from, to));
    for (let i = from; i < to; i++) at.push(i);
  };
  let last = 0;
  for (const m of text.matchAll(/[ \t\u00A0]+/g)) {
    keep(last, m.index);
    const after = text.charAt(m.index + m[0].length);
    // Stryker disable next-line ConditionalExpression,StringLiteral: a space at either end of the text changes no span
    const atEdge = m.index === 0 || after === "";
    if (!atEdge && text.charAt(m.index - 1) !== "\n" && after !== "," && after !== "\n") {
      parts.push(" ");
      at.push(m.index);
    }
    last = m.index + m[0].length;
  }
  keep(last, text.length);
  return { text: parts.join(""), from: (k) => at[k] ?? text.length };
}

/** The first piece that may follow a street at the start of `rest`, and what it says. */
function nextPiece(rest: string): { length: number; read: TailRead } | undefined {
  for (const tail of TAILS) {
    const m = tail.re.exec(rest);
    if (m) return { length: m[0].length, read: tail.read(m) };
  }
  return undefined;
}

/** Extends a street over the unit, postal code, city and state that follow it. */
function extend(text: string, c: Candidate): Candidate | undefined {
  let end = c.end;
  let city = false;
  let code = false; // a postal code that is more than a number of four digits or fewer (a year, a seat)
  for (let pieces = 0; pieces < 6; pieces++) {
    const piece = nextPiece(text.slice(end, end + 120));
    if (!piece) break;
    city ||= piece.read.city === true;
    code ||= piece.read.code !== undefined && !/^\d{1,4}$/.test(piece.read.code);
    end += piece.length;
  }
  if ((c.needs === "place" && !city && !code) || (c.needs === "postcode" && !(city && code)))
    return undefined;
  const unit = UNIT_BEFORE.exec(text.slice(Math.max(0, c.start - 24), c.start));
  return { ...c, start: unit ? c.start - unit[0].length : c.start, end };
}

/**
 * Street addresses with a house number, rural routes and P.O. boxes, with the unit, floor, postal
 * code, city and state after them, in the formats of about thirty countries (the guard README
 * says what was measured). A recognizer by function: `detectPii(text, { recognizers:
 * [streetAddresses] })` or `guard({ pii: { recognizers: [streetAddresses] } })`; spans are typed
 * `STREET_ADDRESS`. Not in `PII_TYPES`: it is opt-in.
 */
export const streetAddresses: PiiFinderRecognizer = {
  type: "STREET_ADDRESS",
  find(original) {
    const { text, from } = collapseSpaces(original);
    const found: Candidate[] = [];
    for (const c of streetCandidates(text)) {
      const span = extend(text, c);
      if (span) found.push(span);
    }
    found.sort((a, b) => a.start - b.start);
    // A type-less shape may not start before a typed street that starts inside it ("From
    // Hauptstraße 12"). Both in order of start, so one pass: `next` is the first typed street
    // starting after the shape does.
    const typed = found.filter((s) => !s.fallback);
    let next = 0;
    for (const s of found) {
      if (!s.fallback) continue;
      while (next < typed.length && (typed[next] as Candidate).start <= s.start) next++;
      const street = typed[next];
      if (street && street.start < s.end) s.start = street.start;
    }
    // Shapes can find one street twice ("Rua Augusta" and "Augusta, 274"), and a bilingual
    // address is one ("Rue de la Loi 16 / Wetstraat 16"): keep the union.
    const merged = unionSpans(found, (end, start) => /^ \/ $/.test(text.slice(end, start)));
    return merged.map((s) => ({ start: from(s.start), end: from(s.end - 1) + 1 }));
  },
};
