import type { PiiFinderRecognizer } from "../pii-types.js";

// Names that their context marks as names, in English, German, French, Spanish, Italian, Dutch
// and Portuguese: after a title ("Frau Schneider", "Mme Dubois", "Sr. García") or in a greeting
// or salutation ("Hallo Jonas,", "Dear Ms Okafor", "Ciao Luca!"). Only the name is reported, not
// the title. No name list: the context does the work, so a name nobody listed is found too, and
// a name without such context is not (that is what `loadPersonNames`' NER is for).

/** Titles, as written before a name. */
export const TITLE =
  "(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Hr|Fr|Mme|Mlle|Sr|Sra|Srta|Dña|Doña|Sig|Signor|Signora|Dott|dott|Dhr|dhr|Mevr|mevr)\\.?|M\\.|Sig\\.ra|Dott\\.ssa|dott\\.ssa)";
/** Greetings and salutations that a name follows. */
const GREETING =
  "(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Hallo|Liebe|Lieber|Sehr geehrte|Sehr geehrter|Danke|Bonjour|Salut|Cher|Chère|Merci|Hola|Querido|Querida|Estimado|Estimada|Gracias|Ciao|Caro|Cara|Gentile|Grazie|Beste|Hoi|Dag|Bedankt|Olá|Oi|Prezado|Prezada|Obrigado|Obrigada)";
/** A capitalized name word, with the particles surnames carry ("van der", "de la", "von"). */
const NAME_WORD = "\\p{Lu}[\\p{Ll}\\p{M}'’]+(?:-\\p{Lu}[\\p{Ll}\\p{M}'’]+)?";
const PARTICLES =
  "(?:(?:van der|van den|van de|von der|de la|de los|del|de|da|das|do|dos|di|van|von|ten|ter|le|la|du|bin|al) )";
const NAME = `${NAME_WORD}(?: ${PARTICLES}?${NAME_WORD}){0,3}`;
// "Sehr geehrte Frau Schneider", "Dear Ms Okafor": a greeting, then maybe a title, then the name.
const TITLED = new RegExp(
  `(?<![\\p{L}])(?:${GREETING}(?: ${TITLE})?|${TITLE}) (?:${TITLE} )?(${PARTICLES}?${NAME})(?![\\p{L}])`,
  "gu",
);
// Words a greeting or title may stand before that are not names ("Hi All", "Dear Sir", "Liebe Grüße").
const NOT_A_NAME =
  /^(?:All|Team|Everyone|Everybody|Sir|Madam|Sirs|Customer|Colleagues|Grüße|Gruß|Kollegen|Kolleginnen|Damen|Herren|Tous|Madame|Monsieur|Equipo|Todos|Tutti|Signori|Allen|Iedereen|Equipe|Amigos|There|Again|So|Much|Schön|Sehr|Beaucoup|Mille|Tanto|Muito|Wel)$/u;

/**
 * A `PERSON` recognizer by function for names after a title or in a greeting (no dependency, a
 * few kilobytes; for `detectPii`, the pseudonymizer and `guard`). The span is the name alone:
 * "Frau Schneider" gives "Schneider".
 */
export const titledNames: PiiFinderRecognizer = {
  type: "PERSON",
  find(text) {
    const spans: Array<{ start: number; end: number }> = [];
    for (const m of text.matchAll(TITLED)) {
      const name = m[1] as string;
      if (NOT_A_NAME.test(name.split(" ")[0] as string)) continue;
      const start = m.index + m[0].length - name.length;
      spans.push({ start, end: start + name.length });
    }
    return spans;
  },
};
