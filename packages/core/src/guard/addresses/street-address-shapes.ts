// The shapes of a street with a house number, for `streetAddresses`: a gazetteer of street-type
// words (English, German, Dutch, Nordic, Finnish, Hungarian, Turkish, Russian, French, Spanish,
// Catalan, Italian, Portuguese, Polish, Malay) tied to a house number, plus a few type-less
// national shapes (Japanese blocks, Korean "-ro", rural routes, P.O. boxes). Weak shapes (a
// street named with a preposition, a number and a name with no type word, lower-case chat) are
// marked with what must follow them. Every repetition is bounded, so each scan is linear.

/**
 * Each word with either first-letter case or in capitals ("Street", "street", "STREET"), longest
 * first. `cases: "capitalized"` leaves out the lower-case form (for words that are everyday
 * English in lower case: "green", "run"); a short abbreviation is not matched in capitals when
 * `cases: "no-short-capitals"` ("BD", "AV." are other things in capitals).
 */
export const words = (list: string, cases: "all" | "capitalized" | "no-short-capitals" = "all") =>
  list
    .split(" ")
    .sort((a, b) => b.length - a.length)
    .map((w) => {
      const escaped = w.replace(/\./g, "\\.");
      const first = w.charAt(0);
      const initial =
        cases === "capitalized" ? first.toUpperCase() : `[${first.toUpperCase()}${first.toLowerCase()}]`;
      const capitals = cases !== "no-short-capitals" || /^\p{L}{3,}$/u.test(w);
      return `${initial}${escaped.slice(1)}${capitals ? `|${escaped.toUpperCase()}` : ""}`;
    })
    .join("|");

/** A capitalized word (any script with case). */
export const CAP = "\\p{Lu}[\\p{L}\\p{M}'’\\-]{0,30}";
// "12", "7b", "12-14", "120/3/14", "123-II", "32/A", "172-bis"
const NUMBER =
  "\\d{1,5}[A-Za-z]?(?:[-–/](?:\\d{1,5}[A-Za-z]?|[A-Z]{1,3}(?![\\p{L}]))){0,2}(?:-(?:bis|ter)(?![\\p{L}]))?";
// After a street name, five digits are a postal code ("Plaza Mayor, 28012 Madrid").
const HOUSE_AFTER = "\\d{1,4}[A-Za-z]?(?:[-–/](?:\\d{1,4}[A-Za-z]?|[A-Z]{1,3}(?![\\p{L}]))){0,2}";
// After the house number: not a decimal, a unit or a quantity ("via Slack 2 days ago").
const NUMBER_END =
  "(?![\\p{L}\\p{N}]|[.,]\\d| ?(?:%|x\\b|(?:days?|hours?|min(?:ute)?s?|sec(?:ond)?s?|weeks?|months?|years?|times?|people|users?|items?|pts|points?|votes?|GB|MB|KB|TB|ms|km|miles?|kg|lbs?|€|\\$|Uhr|Tage?n?|Stunden|Minuten|Jahre?n?|jours?|heures?|días?|horas?|giorni|ore|anni|dagen|uur)(?![\\p{L}])))";
// A house number starts a field, a word or a line; "1,600" is a thousand and six hundred.
const LEFT_EDGE = "(?<![\\p{L}\\p{N}./\\-])(?<!\\d,)";
// What ends a type-less street: a comma or a line break, then a postal code and a city.
const THEN_PLACE = "(?=,|\\n)";

// English: number first, the type word last ("221B Baker Street", "840 7 Ave SW", "1585 Broadway").
// Types that are everyday words too ("African green", "a home run") count only capitalized.
const EN_TYPES = `${words(
  "Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Place Pl Terrace Ter Tce Way Parkway Pkwy Highway Hwy Circle Cir Square Sq Crescent Cres Close Grove Gardens Mews Trail Trl Alley Plaza Pike Parade Quay Esplanade Expressway Freeway Causeway",
)}|${words("Row Hill Walk Green Rise Loop Bend Cove Ridge Glen Run Path Crossing Commons Landing Croft Vale Wharf Yard", "capitalized")}`;
const DIRECTION = "(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Upper|Lower)";
const EN_NAME_WORD = `(?:${CAP}|\\d{1,3}(?:st|nd|rd|th))`;
// A bare number names a street only right before its type ("840 7 Ave").
const ENGLISH = new RegExp(
  `${LEFT_EDGE}${NUMBER} (?:${DIRECTION}\\.? )?(?:${EN_NAME_WORD} ){0,3}(?:${EN_NAME_WORD}|\\d{1,3}) (?:${EN_TYPES})\\b\\.?(?: ${DIRECTION}\\b)?|${LEFT_EDGE}${NUMBER} Broadway\\b`,
  "gu",
);
// Numbered roads after a house number ("2750 County Road 12", "14250 Hwy 9", "21800 FM 1093",
// "N5462 County Road KK").
const NUMBERED_ROAD = new RegExp(
  `${LEFT_EDGE}[NSEW]?${NUMBER} (?:(?:(?:County|State|US|U\\.S\\.|Farm to Market|Interstate) )?(?:Road|Rd|Highway|Hwy|Route|Rte)|FM|RM|CR|SR|US) (?:\\d{1,4}[A-Z]?|[A-Z]{1,2})(?![\\p{L}\\p{N}])`,
  "gu",
);
// Rural routes and highway contracts ("RR 2 Box 45", "HC 61 Box 1120", "RR 4, Site 12, Comp 8");
// "RR 2" alone is also a respiratory rate.
const RURAL_ROUTE =
  /(?<![\p{L}\p{N}])(?:RR|R\.R\.|Rural Route|HC|Star Route) \d{1,3}(,? Site \d{1,3},? Comp \d{1,3}|,? Box \d{1,5}[A-Z]?)?(?![\p{L}\p{N}])/gu;
// Casual lower case ("123 main st", "8 w 57th st"), only with the unambiguous abbreviations.
const ENGLISH_CASUAL = new RegExp(
  `${LEFT_EDGE}${NUMBER} (?:[nsew] )?(?:(?:[a-z]{2,20}|\\d{1,3}(?:st|nd|rd|th)) ){1,2}(?:st|ave|rd|blvd|ln)\\b\\.?(?: (?:[nsew]|north|south|east|west)\\b)?`,
  "gu",
);
// A number right after one of these words is a model, a room or a chapter, not a house.
const NOT_HOUSE_NUMBER =
  /(?<![\p{L}])(?:formula|model|windows|apollo|studio|route|platform|gate|building|section|chapter|room|level|floor|version|episode|season|vol|volume|part|page|figure|table|terminal|hall|track|gleis|bahnsteig|raum|zimmer|kapitel|seite|top|number|no|nr|the|a|an|only|over|under|all|these|those|my|our|their|his|her|its)\.? $/iu;
// A house number and a name with no type word, before or after it ("71 Stokes Croft", "1250 W.
// Fulton Market", "Vinohradská 112", "Los Leones 1250"): only with a postal code and a city.
const NUMBER_AND_NAME = new RegExp(
  `${LEFT_EDGE}${NUMBER} (?:[NSEW]\\.? )?${CAP}(?: ${CAP}){0,2}${THEN_PLACE}`,
  "gu",
);
const NAME_AND_NUMBER = new RegExp(
  `(?<![\\p{L}\\p{N}])(${CAP}(?: ${CAP}){0,2}) ${NUMBER}${THEN_PLACE}`,
  "gu",
);

// Germanic, Nordic, Finnish, Hungarian, Turkish: the type ends a compound or follows the name,
// the number last ("Hauptstraße 12", "Karl-Marx-Allee 5", "Berliner Straße 5", "Jan van
// Galenstraat 301", "Karl Johans gate 22", "Király utca 46", "Bağdat Caddesi No: 312").
const GERMANIC_STRONG = words(
  "straße strasse str. gasse allee chaussee straat laan gracht kade gatan gata vägen avenyen gränd vej gade veien vegen tie katu kuja polku vegur",
);
const GERMANIC_WEAK = words(
  "weg platz ring damm ufer pfad markt graben plein singel dijk steeg torget torg plads",
);
// "Alte Hauptstraße", "Berliner Straße", "Frankfurter Allee": an inflected word before the type;
// "Jan van Galenstraat", "Max von Laue-Straße": a name and a particle.
const ADJECTIVE = "\\p{Lu}[\\p{L}\\p{M}\\-]{0,30}(?:er|e|en|es)";
const NAME_PARTICLE = `${CAP} (?:van|von|de|ter|te)(?: der| den| de)?`;
// Norwegian, Danish and Hungarian write these in lower case ("Karl Johans gate"); "GATA1" is a gene.
const SEPARATE_TYPE = `gate|gata|vej|gade|utca|út|körút|tér|${words("caddesi cad. sokak sok. bulvarı")}`;
const GERMANIC = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:(?:${ADJECTIVE} |${NAME_PARTICLE} )?(\\p{Lu}[\\p{L}\\p{M}\\-]{0,40}?(?:${GERMANIC_STRONG}|${GERMANIC_WEAK}))|(?:${ADJECTIVE} ){1,2}(?:${words("Straße Strasse Str. Gasse Allee Weg Platz Ring Damm Ufer Straat Laan Gracht Kade")})|(?:${CAP} ){1,2}(?:${SEPARATE_TYPE}))\\.? ?(?:No: ?)?${NUMBER}${NUMBER_END}`,
  "gu",
);
// Compounds that end like a street but are workplaces, parking spaces, ways home, or English.
const NOT_A_STREET = new Set(
  "arbeitsplatz parkplatz stellplatz sitzplatz steckplatz speicherplatz studienplatz ausbildungsplatz kitaplatz abstellplatz rückweg heimweg umweg ausweg lösungsweg rechtsweg bildungsweg fluchtweg dienstweg arbeitsmarkt binnenmarkt aktienmarkt brigade renegade blockade herring".split(
    " ",
  ),
);
/**
 * Whether a compound that ends like a street can be one: not a known other word, and a "-ring"
 * only after a stem of three letters or more ending in a consonant or a hyphen ("Kaiserring",
 * "Kaiser-Wilhelm-Ring"), not an English word ("During", "Spring", "Offering").
 */
function streetCompound(compound: string): boolean {
  const word = compound.toLowerCase();
  if (NOT_A_STREET.has(word)) return false;
  if (!word.endsWith("ring")) return true;
  const stem = word.slice(0, -4);
  return stem.length >= 3 && !/[aeiouyäöü]$/.test(stem);
}
// Lower case, as typed in a chat ("schillerstr 9", "van woustraat 44", "lange nieuwstraat 7b").
const GERMANIC_CASUAL =
  /(?<![\p{L}\p{N}])(?:van |de |[a-zäöü]{2,12}e )?[a-zäöüß][a-zäöüß-]{1,40}?(?:straße|strasse|str\.?|straat|gasse|allee|laan|gracht|gatan|vej|gade) ?\d{1,4}[a-z]?(?![\p{L}\p{N}])/gu;
// German and Dutch streets named with a preposition ("Am Markt 3", "Unter den Linden 77") read
// like ordinary phrases ("Im Jahr 2024"): only with a city or postal code after them.
const PREPOSITION_STREET = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Unter den|Zum|Zur|Hinter der|Hinter dem|Vor dem|Beim|Bei der|Op de|Aan de|In de|Aan het) ${CAP}(?: ${CAP})? ${NUMBER}${NUMBER_END}`,
  "gu",
);

// Romance, Dutch "Laan van …", Polish, Latin American and Malay: the type word first, the
// number before it (French) or after the name.
const ROMANCE_TYPES = words(
  "rue avenue av. avda. avda boulevard bd bld. place pl. chemin impasse allée quai cours route rte passage calle c/ carrer avinguda passeig plaça travessera avenida plaza pza. paseo camino carretera ronda travesía rambla vía via viale v.le piazza p.zza piazzale corso c.so largo vicolo strada rua praça travessa alameda estrada rodovia laan ul. ulica al. aleja os. osiedle calzada privada carrera cra. jr. jirón jalan jln. diagonal transversal",
  "no-short-capitals",
);
const PARTICLE =
  "(?:de|del|della|delle|dei|degli|dello|di|da|do|dos|das|du|des|la|le|les|l'|l’|d'|d’|y|e|et|sur|sous|aux|au|al|i|van|der|den|het|ter|ten)";
const ROMANCE_NAME = `(?:${PARTICLE} ?)*(?:(?!(?:No|Nr|Núm|Num)\\.)${CAP}|\\d{1,2} de|[IVXL]{1,5})`;
// The number before is not the end of an amount ("$200.00 via Wire Payment"); "et al." is no
// avenue; a space follows the type, but "C/Alcalá" may do without.
const ROMANCE = new RegExp(
  `(?<![\\p{L}\\p{N}.,$€£])(?:(?<lead>${NUMBER}(?: ?(?:bis|ter|quater)\\b)?),? )?(?:(?:Gran|Antigua|Antiga|Nueva|Nova|Vecchia|Grande) )?(?<![Ee]t )(?<type>${ROMANCE_TYPES})(?: |(?<=[Cc]/)(?=\\p{Lu}\\p{Ll}))(?:${ROMANCE_NAME}|\\d{1,3}[A-Z]?)(?: ${ROMANCE_NAME}){0,5}(?<after>,? (?:(?:n[º°o.]|nº|núm\\.|num\\.|nr\\.?|No\\.?|#|s/n)\\s?)?${HOUSE_AFTER}${NUMBER_END})?`,
  "gu",
);
// In English, "via" is a preposition ("signals via VEGF-receptor 2"): a lower-case "via" names a
// street after an Italian preposition or a number, or with a postal code and a city after it.
const ITALIAN_BEFORE = /(?<![\p{L}])(?:in|a|da|di|su|per|nella|sulla|alla|dalla|della|presso) $/iu;
// French, Spanish, Italian and Portuguese in lower case, number first ("12 allée des cerisiers")
// or last ("calle luna 8", "via sassari 3"): only with a postal code and a city after them
// ("3 place settings" is a table).
const ROMANCE_CASUAL_TYPES =
  "rue|avenue|boulevard|bd|place|chemin|impasse|allée|quai|calle|avenida|av|via|viale|piazza|corso|rua";
const ROMANCE_CASUAL = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${NUMBER},? (?:${ROMANCE_CASUAL_TYPES}) (?:${PARTICLE} ?)*\\p{Ll}{2,20}(?: \\p{Ll}{2,20}){0,2}|(?:${ROMANCE_CASUAL_TYPES})\\.? (?:${PARTICLE} ?)*\\p{Ll}{2,20}(?: \\p{Ll}{2,20}){0,2},? \\d{1,4}[a-z]?(?![\\p{L}\\p{N}]))`,
  "gu",
);
// Russian: "ул. Тверская, д. 12".
const RUSSIAN = new RegExp(
  `(?<![\\p{L}])(?:ул\\.|улица|пр\\.|проспект|пер\\.|переулок|ш\\.|шоссе|наб\\.|бул\\.) ${CAP}(?: ${CAP})?,? (?:д\\.|дом) ?\\d{1,4}[а-я]?(?![\\p{L}\\p{N}])`,
  "gu",
);
// Korean road names in Latin script ("27 Seolleung-ro 94-gil").
const KOREAN = new RegExp(
  `${LEFT_EDGE}${NUMBER} ${CAP}-(?:ro|gil|daero)(?: \\d{1,3}(?:beon)?-gil)?(?![\\p{L}])`,
  "gu",
);
// Japanese block addresses in Latin script ("1-1-2 Oshiage, Sumida-ku").
const JAPANESE = new RegExp(
  `(?<![\\p{L}\\p{N}-])\\d{1,2}-\\d{1,2}-\\d{1,3} ${CAP}, ${CAP}-(?:ku|shi|cho|machi|gun)(?![\\p{L}])`,
  "gu",
);

const PO_BOX =
  /(?<![\p{L}])(?:P\. ?O\. ?Box|PO Box|GPO Box|Post Office Box|Postfach|Postbus|Apartado(?: de [Cc]orreos)?|Casilla(?: de [Cc]orreo)?|Caixa Postal|Boîte [Pp]ostale|Casella [Pp]ostale) \d{1,6}(?:-\d{5}|(?: \d{2,3}){1,3})?(?![\p{N}])/gu;
// "BP 1234" is also blood pressure and "Box 310" a box: only with a postal code and a city after.
const BARE_BOX = /(?<![\p{L}])(?:B\.? ?P\.?|Box) \d{1,5}(?![\p{N}])/gu;

/**
 * What must follow a candidate for it to count: `place`, a city or a postal code; `postcode`, a
 * postal code and a city; nothing, for a street that is one by its shape.
 */
export type Needs = "place" | "postcode" | undefined;

/** A street found by its shape, before what follows it is read. */
export interface Candidate {
  start: number;
  end: number;
  needs: Needs;
  /** A shape without a type word: it may not start a typed street it overlaps ("From Hauptstraße 12"). */
  fallback?: boolean;
}

/** The matches `accept` keeps; after a refused one the search goes on from its next character. */
function* matches(re: RegExp, text: string, accept: (m: RegExpExecArray) => boolean) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (accept(m)) yield m;
    else re.lastIndex = m.index + 1;
  }
}

/** Every street shape found in `text`, in no particular order; overlaps are resolved later. */
export function* streetCandidates(text: string): Generator<Candidate> {
  const at = (m: RegExpExecArray, needs?: Needs, end = m.index + m[0].length): Candidate => ({
    start: m.index,
    end,
    needs,
  });
  // The pattern is anchored at the end: the slice only bounds its work.
  const before = (m: RegExpExecArray) =>
    // Stryker disable next-line MethodExpression: equivalent, as said above
    text.slice(Math.max(0, m.index - 12), m.index);
  const housed = (m: RegExpExecArray) => !NOT_HOUSE_NUMBER.test(before(m));
  for (const m of matches(ENGLISH, text, housed)) yield at(m);
  for (const m of matches(NUMBERED_ROAD, text, housed)) yield at(m);
  for (const m of text.matchAll(RURAL_ROUTE)) yield at(m, m[1] ? undefined : "place");
  for (const m of text.matchAll(ENGLISH_CASUAL)) yield at(m);
  for (const m of matches(NUMBER_AND_NAME, text, housed)) yield { ...at(m, "postcode"), fallback: true };
  for (const m of matches(NAME_AND_NUMBER, text, (m) => !NOT_HOUSE_NUMBER.test(`${m[1]} `)))
    yield { ...at(m, "postcode"), fallback: true };
  for (const m of matches(GERMANIC, text, (m) => !m[1] || streetCompound(m[1]))) yield at(m);
  for (const m of text.matchAll(GERMANIC_CASUAL)) yield at(m);
  for (const m of text.matchAll(PREPOSITION_STREET)) yield at(m, "place");
  // A number before the street leaves one after a comma to the postal code ("25 Rue du
  // Commerce, 1000 Bruxelles"; "12 Jalan Telawi 3" keeps its 3); with no number at all, a place
  // must follow.
  for (const m of text.matchAll(ROMANCE)) {
    const { lead, type, after } = m.groups as { lead?: string; type: string; after?: string };
    const cut = lead && after?.startsWith(",") ? after.length : 0;
    const english = type === "via" && !lead && !ITALIAN_BEFORE.test(before(m));
    const needs = english ? "postcode" : lead || after ? undefined : "place";
    yield at(m, needs, m.index + m[0].length - cut);
  }
  for (const m of text.matchAll(ROMANCE_CASUAL)) yield at(m, "postcode");
  for (const m of text.matchAll(RUSSIAN)) yield at(m);
  for (const m of text.matchAll(KOREAN)) yield at(m);
  for (const m of text.matchAll(JAPANESE)) yield at(m);
  for (const m of text.matchAll(PO_BOX)) yield at(m);
  for (const m of text.matchAll(BARE_BOX)) yield at(m, "postcode");
}
