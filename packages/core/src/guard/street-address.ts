import type { PiiFinderRecognizer } from "./pii-types.js";

// STREET_ADDRESS: a gazetteer of street-type words in English, German, Dutch, the Nordic
// languages, Finnish, French, Spanish, Catalan, Italian, Portuguese and Polish, tied to a house
// number. A street is reported when its type word ("Street", "…straße", "rue", "Via") stands next
// to a name and a house number; then the span is extended over what follows as part of the
// address (unit, floor, postal code, city, state). A street without a number is not an address
// ("we walked down Oxford Street"), nor a city or a postal code alone; weaker shapes (a street
// named with a preposition, a number and a name with no type word) count only with a postal
// code after them. Not in `PII_TYPES`: pass `streetAddresses` as a recognizer. Every repetition
// is bounded, so the scan stays linear in the text's length.

/** Both first-letter cases of each word ("Street" or "street", never "sTREET"), longest first. */
const words = (list: string) =>
  list
    .split(" ")
    .sort((a, b) => b.length - a.length)
    .map((w) => `[${w[0]?.toUpperCase()}${w[0]?.toLowerCase()}]${w.slice(1).replace(/\./g, "\\.")}`)
    .join("|");

// "12", "7b", "12-14", "120/3/14", "123-II", "32/A"
const NUMBER = "\\d{1,5}[A-Za-z]?(?:[-–/](?:\\d{1,5}[A-Za-z]?|[A-Z]{1,3}(?![\\p{L}]))){0,2}";
// After a street name, five digits are a postal code ("Plaza Mayor, 28012 Madrid").
const HOUSE_AFTER = "\\d{1,4}[A-Za-z]?(?:[-–/](?:\\d{1,4}[A-Za-z]?|[A-Z]{1,3}(?![\\p{L}]))){0,2}";
const CAP = "\\p{Lu}[\\p{L}\\p{M}'’\\-]{0,30}";
// After the house number: not a decimal, a unit or a quantity ("via Slack 2 days ago").
const NUMBER_END =
  "(?![\\p{L}\\p{N}]|[.,]\\d| ?(?:%|x\\b|(?:days?|hours?|min(?:ute)?s?|sec(?:ond)?s?|weeks?|months?|years?|times?|people|users?|items?|pts|points?|votes?|GB|MB|KB|TB|ms|km|miles?|kg|lbs?|€|\\$|Uhr|Tage?n?|Stunden|Minuten|Jahre?n?|jours?|heures?|días?|horas?|giorni|ore|anni|dagen|uur)(?![\\p{L}])))";
const LEFT_EDGE = "(?<![\\p{L}\\p{N}.,/\\-])";

// English: number first, the type word last ("221B Baker Street", "840 7 Ave SW").
const EN_TYPES = words(
  "Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Place Pl Terrace Tce Way Parkway Pkwy Highway Hwy Circle Cir Square Sq Crescent Cres Close Grove Gardens Row Mews Trail Trl Alley Plaza Hill Walk Green Rise Loop Pike Parade Quay Esplanade Expressway Freeway Causeway",
);
const DIRECTION = "(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Upper|Lower)";
const EN_NAME_WORD = `(?:${CAP}|\\d{1,3}(?:st|nd|rd|th)?)`;
const ENGLISH = new RegExp(
  `${LEFT_EDGE}${NUMBER},? (?:${DIRECTION}\\.? )?(?:${EN_NAME_WORD} ){1,4}(?:${EN_TYPES})\\b\\.?(?: ${DIRECTION}\\b)?`,
  "gu",
);
// Numbered roads after a house number ("2750 County Road 12", "14250 Hwy 9").
const NUMBERED_ROAD = new RegExp(
  `${LEFT_EDGE}${NUMBER} (?:(?:County|State|US|U\\.S\\.|Farm to Market|Interstate) )?(?:Road|Rd|Highway|Hwy|Route|Rte) \\d{1,4}(?![\\p{L}\\p{N}])`,
  "gu",
);
// Casual lower case ("123 main st", "8 w 57th st"), only with the unambiguous abbreviations.
const ENGLISH_CASUAL =
  /(?<![\p{L}\p{N}.,/-])\d{1,5} (?:[nsew] )?(?:(?:[a-z]{2,20}|\d{1,3}(?:st|nd|rd|th)) ){1,2}(?:st|ave|rd|blvd|ln)\b\.?(?: [nsew]\b)?/gu;
// A number right after one of these words is a model, a room or a chapter, not a house.
const NOT_HOUSE_NUMBER =
  /(?<![\p{L}])(?:formula|windows|apollo|studio|route|platform|gate|building|section|chapter|room|level|floor|version|episode|season|vol|volume|part|page|figure|table|terminal|hall|track|gleis|bahnsteig|raum|zimmer|kapitel|seite|top|number|no|nr|the|a|an|only|over|under|all|these|those|my|our|their|his|her|its)\.? $/iu;
// A house number and a name with no type word ("71 Stokes Croft"), only with a postal code after.
const NUMBER_AND_NAME = new RegExp(`${LEFT_EDGE}${NUMBER} ${CAP}(?: ${CAP}){0,2}(?=,)`, "gu");

// Germanic and Finnish: the type ends a compound or follows the name, the number last
// ("Hauptstraße 12", "Karl-Marx-Allee 5", "Berliner Straße 5", "Keizersgracht 123", "Karl Johans gate 22").
const GERMANIC_STRONG = words(
  "straße strasse str. gasse allee chaussee straat laan gracht kade gatan gata vägen avenyen gränd vej gade veien vegen gate tie katu kuja polku",
);
const GERMANIC_WEAK = words(
  "weg platz ring damm ufer pfad markt graben plein singel dijk steeg torget torg plads",
);
// "Alte Hauptstraße", "Berliner Straße", "Frankfurter Allee": an inflected word before the type.
const ADJECTIVE = "\\p{Lu}[\\p{L}\\p{M}\\-]{0,30}(?:er|e|en|es)";
const GERMANIC = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:(?:${ADJECTIVE} )?(\\p{Lu}[\\p{L}\\p{M}\\-]{0,40}?(?:${GERMANIC_STRONG}|${GERMANIC_WEAK}))|(?:${ADJECTIVE} ){1,2}(?:${words("Straße Strasse Str. Gasse Allee Weg Platz Ring Damm Ufer Straat Laan Gracht Kade")})|(?:${CAP} ){1,2}(?:${words("gate gata vej gade")}))\\.? ?${NUMBER}${NUMBER_END}`,
  "gu",
);
// Compounds that end like a street but are workplaces, parking spaces or ways home.
const NOT_A_STREET = new Set(
  "arbeitsplatz parkplatz stellplatz sitzplatz steckplatz speicherplatz studienplatz ausbildungsplatz kitaplatz abstellplatz rückweg heimweg umweg ausweg lösungsweg rechtsweg bildungsweg fluchtweg dienstweg arbeitsmarkt binnenmarkt aktienmarkt".split(
    " ",
  ),
);
// German and Dutch streets named with a preposition ("Am Markt 3", "Unter den Linden 77") read
// like ordinary phrases ("Im Jahr 2024"): only with a postal code after them.
const PREPOSITION_STREET = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Unter den|Zum|Zur|Hinter der|Hinter dem|Vor dem|Beim|Bei der|Op de|Aan de|In de|Aan het) ${CAP}(?: ${CAP})? ${NUMBER}${NUMBER_END}`,
  "gu",
);

// Romance, Dutch "Laan van …" and Polish: the type word first, the number before it (French)
// or after the name.
const ROMANCE_TYPES = words(
  "rue avenue av. avda. avda boulevard bd bld. place pl. chemin impasse allée quai cours route rte passage calle c/ carrer avinguda passeig plaça travessera avenida plaza pza. paseo camino carretera ronda travesía rambla vía via viale v.le piazza p.zza piazzale corso c.so largo vicolo strada rua r. praça travessa alameda estrada rodovia laan ul. ulica al. aleja calzada privada",
);
const PARTICLE =
  "(?:de|del|della|delle|dei|degli|dello|di|da|do|dos|das|du|des|la|le|les|l'|l’|d'|d’|y|e|et|sur|sous|aux|au|al|i|van|der|den|het|ter|ten)";
const ROMANCE_NAME = `(?:${PARTICLE} ?)*(?:(?!(?:No|Nr|Núm|Num)\\.)${CAP}|\\d{1,2} de|[IVXL]{1,5})`;
const ROMANCE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:(${NUMBER}(?: ?(?:bis|ter|quater)\\b)?),? )?(?:(?:Gran|Antigua|Antiga|Nueva|Nova|Vecchia|Grande) )?(?:${ROMANCE_TYPES}) ?(?:${ROMANCE_NAME}|\\d{1,3}[A-Z]?)(?: ${ROMANCE_NAME}){0,5}(,? (?:(?:n[º°o.]|nº|núm\\.|num\\.|nr\\.?|No\\.?|#|s/n)\\s?)?${HOUSE_AFTER}${NUMBER_END})?`,
  "gu",
);
// Japanese block addresses in Latin script ("1-1-2 Oshiage, Sumida-ku").
const JAPANESE = new RegExp(
  `(?<![\\p{L}\\p{N}-])\\d{1,2}-\\d{1,2}-\\d{1,3} ${CAP}, ${CAP}-(?:ku|shi|cho|machi|gun)(?![\\p{L}])`,
  "gu",
);

const PO_BOX =
  /(?<![\p{L}])(?:P\. ?O\. ?Box|PO Box|Post Office Box|Postfach|Postbus|Apartado(?: de [Cc]orreos)?|Casilla(?: de [Cc]orreo)?|Caixa Postal|Boîte [Pp]ostale|Casella [Pp]ostale) \d{1,6}(?: \d{2,3}){0,3}(?![\p{N}])/gu;
// "BP 1234" is also blood pressure: only with a postal code after it.
const BOITE_POSTALE = /(?<![\p{L}])B\.? ?P\.? \d{1,5}(?![\p{N}])/gu;

// What may follow a street as part of the address, each piece read where the last one ended.
const SEPARATOR = "(?:, ?|,?\\n|,? - | )";
const POSTCODE =
  "(?:[A-Z]{1,2}-)?(?:\\d{5}-\\d{3}|\\d{4}-\\d{3}|\\d{3}-\\d{4}|\\d{2}-\\d{3}|\\d{5}(?:-\\d{4})?|\\d{6}|\\d{4} ?[A-Z]{2}(?![\\p{L}])|\\d{3} \\d{2}|\\d{4}|[A-Z]\\d[A-Z] ?\\d[A-Z]\\d|[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}|[A-Z]\\d{2} ?[A-Z\\d]{4})(?![\\p{L}\\p{N}])";
// "Frankfurt am Main", "Dublin 2", "København N", "Co. Cork", "Montréal (Québec)", "Roma (RM)"
const CITY = `(?:Co\\. )?${CAP}(?:[ -](?:(?:de|di|da|do|del|la|le|am|an|der|im|sur|upon|en|on|sul|sobre)[ -]){0,2}${CAP}){0,3}(?: \\d{1,2}(?![\\p{N}])| [A-Z](?![\\p{L}\\p{N}]))?(?: \\((?:${CAP}|[A-Z]{2})\\))?`;
const STATE = "[A-Z]{2,3}(?![\\p{L}\\p{N}])";
const UNIT = new RegExp(
  `^(?:, ?|,?\\n| )(?:${words("Apt. Apt Apartment Suite Ste. Ste Unit Flat Floor Fl. Fl Room Rm. Bldg. Building Etage Stock Whg. Wohnung App. Appt. Bât. Bât Escalier Piso Planta Puerta Interno Int. Scala Andar Sala Apto. Apto Ap. Ap Bloco Lok. Dpto. Depto. Bureau")}|#|m\\.) ?[\\p{L}\\p{N}-]{1,6}(?![\\p{L}\\p{N}])` +
    // a Mexican colonia ("Col. Centro")
    `|^, (?:Col\\.|Colonia) ${CITY}` +
    // floors: "2. Etage", "3. OG", "2. th.", "2º Esq.", "3º izq.", "2º B"
    `|^,? \\d{1,2}(?:\\.|º|ª|°) ?(?:Etage|OG|Stock|th|tv|mf|Esq|Dto|Dta|izq|izda|dcha|dch|drcha|der|andar|piso|[A-Z])?\\b\\.?` +
    // a staircase or a flat by letter and number ("5 A 7"), Dutch "hs", house parts
    `|^,? [A-Z](?: \\d{1,3})?(?=,)|^ (?:hs|bg|boven|huis)\\b|^, ?(?:Hinterhaus|Vorderhaus|Seitenflügel|Gartenhaus)`,
  "u",
);
const TAILS = [
  UNIT,
  // "10115 Berlin", "75008 Paris CEDEX 08", "00184 Roma (RM)", "1012 AB Amsterdam"
  new RegExp(`^${SEPARATOR}${POSTCODE}(?: ${CITY}(?: CEDEX(?: \\d{1,2})?)?)?`, "u"),
  // "Springfield, IL 62704", "Sydney NSW 2000", "London SW1A 2AA", "São Paulo - SP, 01310-200"
  new RegExp(`^${SEPARATOR}${CITY}(?:,? | - )(?:${POSTCODE}|${STATE}(?:,? ${POSTCODE})?)`, "u"),
  // a city, district or neighbourhood after a comma or a line break
  new RegExp(`^(?:, ?|,?\\n|,? - )${CITY}`, "u"),
];
// A unit written before the street ("Flat 3, 12 Baker Street"); its number holds a digit.
const UNIT_BEFORE = new RegExp(
  `(?<![\\p{L}])(?:${words("Flat Apt. Apt Apartment Unit Suite")}) (?=[\\p{L}-]{0,5}\\p{N})[\\p{L}\\p{N}-]{1,6},? $`,
  "u",
);

/** How much must follow a candidate for it to count. */
type Needs = "nothing" | "place" | "postcode";

interface Candidate {
  start: number;
  end: number;
  needs: Needs;
}

function* candidates(text: string): Generator<Candidate> {
  const at = (m: RegExpExecArray, needs: Needs = "nothing", end = m.index + m[0].length) => ({
    start: m.index,
    end,
    needs,
  });
  const housed = (m: RegExpExecArray) =>
    !NOT_HOUSE_NUMBER.test(text.slice(Math.max(0, m.index - 12), m.index));
  for (const m of text.matchAll(ENGLISH)) if (housed(m)) yield at(m);
  for (const m of text.matchAll(NUMBERED_ROAD)) if (housed(m)) yield at(m);
  for (const m of text.matchAll(ENGLISH_CASUAL)) yield at(m);
  for (const m of text.matchAll(NUMBER_AND_NAME)) if (housed(m)) yield at(m, "postcode");
  for (const m of text.matchAll(GERMANIC)) if (!NOT_A_STREET.has((m[1] ?? "").toLowerCase())) yield at(m);
  for (const m of text.matchAll(PREPOSITION_STREET)) yield at(m, "place");
  // A number before the street leaves the one after it to the postal code ("12 rue de la
  // Paix, 75002 Paris"); with no number at all, a place must follow.
  for (const m of text.matchAll(ROMANCE))
    yield at(m, m[1] || m[2] ? "nothing" : "place", m.index + m[0].length - (m[1] && m[2] ? m[2].length : 0));
  for (const m of text.matchAll(JAPANESE)) yield at(m);
  for (const m of text.matchAll(PO_BOX)) yield at(m);
  for (const m of text.matchAll(BOITE_POSTALE)) yield at(m, "postcode");
}

/** Extends a street over the unit, postal code, city and state that follow it. */
function extend(text: string, c: Candidate): { start: number; end: number } | undefined {
  let end = c.end;
  let place = false; // a postal code or a city read after the street
  let postcode = false;
  for (let pieces = 0; pieces < 6; pieces++) {
    const rest = text.slice(end, end + 120);
    const tail = TAILS.find((t) => t.test(rest));
    if (!tail) break;
    const m = tail.exec(rest);
    // Stryker disable next-line ConditionalExpression: test() just matched the same slice
    if (!m) break;
    if (tail !== UNIT) {
      place = true;
      // Four digits alone may be a year ("Model 3 Long Range, 2022").
      if (/\d/.test(m[0]) && !/^\D*\d{4}\D*$/.test(m[0])) postcode = true;
    }
    end += m[0].length;
  }
  if ((c.needs === "place" && !place) || (c.needs === "postcode" && !postcode)) return undefined;
  const unit = UNIT_BEFORE.exec(text.slice(Math.max(0, c.start - 24), c.start));
  return { start: unit ? c.start - unit[0].length : c.start, end };
}

/**
 * Street addresses with a house number (or P.O. boxes) in English, German, Dutch, Nordic,
 * Finnish, French, Spanish, Catalan, Italian, Portuguese, Polish and Japanese (Latin script)
 * formats, with the unit, floor, postal code, city and state after them. A recognizer by
 * function: `detectPii(text, { recognizers: [streetAddresses] })` or
 * `guard({ pii: { recognizers: [streetAddresses] } })`; spans are typed `STREET_ADDRESS`.
 */
export const streetAddresses: PiiFinderRecognizer = {
  type: "STREET_ADDRESS",
  find(text) {
    const spans: Array<{ start: number; end: number }> = [];
    for (const c of candidates(text)) {
      const span = extend(text, c);
      if (span) spans.push(span);
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    // Shapes can find one street twice ("Rua Augusta" and "Augusta, 274"), and a bilingual
    // address is one ("Rue de la Loi 16 / Wetstraat 16"): keep the union.
    const merged: Array<{ start: number; end: number }> = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && (s.start < last.end || /^ \/ $/.test(text.slice(last.end, s.start))))
        last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    return merged;
  },
};
