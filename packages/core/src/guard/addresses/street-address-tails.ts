// What may follow or precede a street as part of its address, for `streetAddresses`: a unit or a
// floor, a postal code, a city, a state; and a unit written before the street. Each pattern is
// anchored where the last piece ended, and reads at most a few dozen characters.
import { CAP, words } from "./street-address-shapes.js";

const SEPARATOR = "(?:, ?|,?\\n|,? [-–] | )";
const POSTCODE =
  "(?:[A-Z]{1,2}-)?(?:[A-Z]\\d{4}[A-Z]{3}|\\d{5}-\\d{3}|\\d{4}-\\d{3}|\\d{3}-\\d{4}|\\d{2}-\\d{3}|\\d{5}(?:-\\d{4})?|\\d{6}|\\d{4} ?[A-Z]{2}(?![\\p{L}])|\\d{3} \\d{2}|\\d{4}|\\d{3}(?= \\p{Lu})|[A-Z]\\d[A-Z] ?\\d[A-Z]\\d|[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}|[A-Z]\\d{2} ?[A-Z\\d]{4})(?![\\p{L}\\p{N}])";
// "Frankfurt am Main", "Dublin 2", "København N", "Co. Cork", "Montréal (Québec)", "Roma (RM)",
// "Kadıköy/İstanbul"
const CITY = `(?:Co\\. )?${CAP}(?:[ -](?:(?:de|di|da|do|del|la|le|am|an|der|im|sur|upon|en|on|sul|sobre)[ -]){0,2}${CAP}){0,3}(?: \\d{1,2}(?![\\p{N}])| [A-Z](?![\\p{L}\\p{N}]))?(?: \\((?:${CAP}|[A-Z]{2})\\)|/${CAP})?`;
const STATE = "[A-Z]{2,3}(?![\\p{L}\\p{N}])";
const UNIT = new RegExp(
  `^(?:, ?|,?\\n| )(?:${words("Apt. Apt Apartment Appartement Suite Ste. Ste Unit Flat Floor Fl. Fl Room Rm. Bldg. Building Etage Stock Whg. Wohnung App. Appt. Bât. Bât Escalier Piso Planta Puerta Interno Int. Int Scala Andar Sala Apto. Apto Ap. Ap Bloco Lok. Local Nave Of. Oficina Dpto. Depto. Depto Dto. Dto Bajo Bureau bte lgh кв. корп. стр.")}|#|m\\.|D:) ?#?[\\p{L}\\p{N}-]{1,6}(?![\\p{L}\\p{N}])` +
    // a Mexican colonia ("Col. Centro")
    `|^, (?:Col\\.|Colonia) ${CITY}` +
    // floors: "2. Etage", "3. OG", "2. th.", "2º Esq.", "2.º Esq.", "3º izq.", "4ª planta", "2º B"
    `|^,? \\d{1,2}(?:\\.?[º°ª]|\\.) ?(?:Etage|OG|Stock|th|tv|mf|Esq|Dto|Dta|izq|izda|dcha|dch|drcha|der|andar|piso|planta|pis|étage|piano|[A-Z])?\\b\\.?` +
    // Catalan floor and door ("2n 1a"), Dutch storeys ("3hg")
    `|^, \\d[a-z]{1,2} \\d[a-z]{1,2}(?![\\p{L}])|^ \\d{1,2}(?:hg|hoog)(?![\\p{L}])` +
    // a staircase or a flat by letter and number ("5 A 7"), Dutch "hs", house parts
    `|^,? [A-Z](?: \\d{1,3})?(?=,)|^ (?:hs|bg|boven|huis)\\b|^,? (?:[Hh]interhaus|[Vv]orderhaus|[Ss]eitenflügel|[Gg]artenhaus)`,
  "u",
);

/** What a piece after a street said: a city, a postal code (each as read, when read). */
export interface TailRead {
  city?: boolean;
  code?: string | undefined;
}

/** A piece that may follow a street, and how to read what it says from its capture groups. */
interface Tail {
  re: RegExp;
  read: (m: RegExpExecArray) => TailRead;
}

/** The pieces, tried in this order where the last one ended; the first that matches is taken. */
export const TAILS: readonly Tail[] = [
  { re: UNIT, read: () => ({}) },
  // in lower case, as typed in a chat: "austin tx 78704", "bristol bs7 9lp", " 44300 nantes",
  // " 3512 pn utrecht" (not after a comma: ", 12345 guests")
  {
    re: /^(?:,? (?:[a-z]{2,20} ){1,3}(?:[a-z]{2} )?(\d{4,5}|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2})| (\d{4} [a-z]{2}|\d{4,5}) [a-z]{3,20})(?![\p{L}\p{N}])/u,
    // A bare number of four digits or fewer after lower-case words may be a year ("in 2013").
    read: (m) => {
      const code = m[1] ?? m[2];
      return { city: !/^\d{1,4}$/.test(code ?? ""), code };
    },
  },
  // "10115 Berlin", "75008 Paris CEDEX 08", "00184 Roma (RM)", "1012 AB Amsterdam"
  {
    re: new RegExp(`^${SEPARATOR}(${POSTCODE})(?: (${CITY})(?: (?:CEDEX|Cedex)(?: \\d{1,2})?)?)?`, "u"),
    read: (m) => ({ city: m[2] !== undefined, code: m[1] }),
  },
  // "Springfield, IL 62704", "Sydney NSW 2000", "London SW1A 2AA", "São Paulo - SP, 01310-200",
  // "Cuauhtémoc, 06700 Ciudad de México"
  {
    re: new RegExp(
      `^${SEPARATOR}${CITY}(?:,? | - )(?:(${POSTCODE})(?: ${CITY})?|${STATE}(?:,? (${POSTCODE}))?)`,
      "u",
    ),
    read: (m) => ({ city: true, code: m[1] ?? m[2] }),
  },
  // a city, district or neighbourhood after a comma or a line break (not a label: "\nT: +1 312")
  { re: new RegExp(`^(?:, ?|,?\\n|,? - )${CITY}(?!:)`, "u"), read: () => ({ city: true }) },
];

// A unit written before the street ("Flat 3, 12 Baker Street", "Unit 5/18 Wattle St", "Bâtiment
// C, 45 avenue …", "2207 – 1288 W Georgia St", "3/2, 118 Hyndland Road"): its mark holds a digit
// or is one capital letter.
export const UNIT_BEFORE = new RegExp(
  `(?:(?<![\\p{L}])(?:${words("Flat Apt. Apt Apartment Appartement Unit Suite Shop Level Lot Bâtiment Bât. Building Bldg.")}) (?:(?:(?=[\\p{L}-]{0,5}\\p{N})[\\p{L}\\p{N}-]{1,6}|\\p{Lu}),? )?|(?<![\\p{L}\\p{N}])\\d{1,5} [–-] |(?<![\\p{L}\\p{N}/])\\d{1,2}/\\d{1,2}, )$`,
  "u",
);
