// How well core's street-address recognizer (`streetAddresses`, a finder recognizer typed
// STREET_ADDRESS) finds postal addresses. Scored like bench:pii: a labelled span is found when a
// detected span covers it; a detected span is correct when it overlaps a labelled one.
//   pnpm bench:addresses              every data/addresses-heldout*.jsonl, one line each: sets written
//                                     by people who had not seen the recognizer (see the guard
//                                     README for which were read after their first run)
//   pnpm bench:addresses --set dev    the generated set below, which the recognizer was written against
//   pnpm bench:addresses --data FILE  JSON lines {"text","spans":[{"start","end","type":"STREET_ADDRESS"}]}
//   pnpm bench:addresses --texts FILE JSON lines with a "text" (and, if there, a "title"), all taken as
//                                     holding no address: every find is a false one (precision on
//                                     real text that is not about addresses)
// Flags: --errors N (print misses and false finds to stderr).
// Prints one JSON line per set: {"data"?,"recall":{"STREET_ADDRESS":x},"precision":y,"n":spans,"texts":n,"p50_us":t}.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { detectPii } from "@keel/core/guard";
import { streetAddresses } from "@keel/core/guard/addresses";
import { type PiiRow, readPiiRows } from "./pii-corpus.js";
import { scoreRecognizer, scoreSpans } from "./span-score.js";

// The dev set: {A} marks an address, one per template; each template is filled from its
// country's streets in turn. Negatives hold numbers next to capitalized words.
const COUNTRIES: Array<{ addresses: string[]; templates: string[] }> = [
  {
    addresses: [
      "1600 Pennsylvania Avenue NW, Washington, DC 20500",
      "350 5th Ave, New York, NY 10118",
      "42 Elm Street, Apt 3B, Portland, OR 97205",
      "7 W Main St, Boise, ID 83702",
      "1200 Ocean Blvd, Suite 400, Long Beach, CA 90802",
      "88 Maple Dr",
      "15 Lakeview Terrace",
      "P.O. Box 1020, Austin, TX 78767",
    ],
    templates: [
      "Please ship the replacement to {A} by Thursday.",
      "Billing address: {A}",
      "Customer moved; new address is {A}. Update the CRM.",
      '{"name":"J. Doe","address":"{A}","vip":false}',
    ],
  },
  {
    addresses: [
      "10 Downing Street, London SW1A 2AA",
      "Flat 2, 19 Abbey Road, London NW8 9AY",
      "221B Baker Street",
      "4 Royal Crescent, Bath BA1 2LR",
      "12 Queen Street, Toronto, ON M5H 2M9",
      "3 George Street, Sydney NSW 2000",
    ],
    templates: ["Our office is at {A}, second floor.", "Return address: {A}\nThank you!"],
  },
  {
    addresses: [
      "Hauptstraße 12, 10115 Berlin",
      "Karl-Marx-Allee 90\n10243 Berlin",
      "Berliner Straße 5a, 60311 Frankfurt am Main",
      "Lindenweg 3, 8001 Zürich",
      "Mariahilfer Str. 45, 1060 Wien",
      "Goethestr. 7",
    ],
    templates: [
      "Bitte liefern Sie an {A}, Hinterhof.",
      "Neue Anschrift: {A}. Ab 1. März gültig.",
      "Rechnung an {A} senden.",
    ],
  },
  {
    addresses: [
      "12 rue de la Paix, 75002 Paris",
      "8 bis avenue Jean Jaurès, 69007 Lyon",
      "25 boulevard Saint-Michel, 75006 Paris",
      "3 place Bellecour",
      "Rue de la Loi 16, 1000 Bruxelles",
    ],
    templates: ["Livraison au {A} avant vendredi.", "Adresse de facturation : {A}"],
  },
  {
    addresses: [
      "Calle Mayor 5, 28013 Madrid",
      "C/ Alcalá, 45, 3º izq., 28014 Madrid",
      "Avenida de la Constitución 20, 41004 Sevilla",
      "Via Roma 10, 00184 Roma (RM)",
      "Corso Vittorio Emanuele II 21, 20122 Milano",
      "Rua Augusta, 274, 1100-053 Lisboa",
      "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200",
      "Keizersgracht 123, 1015 CJ Amsterdam",
      "Storgatan 4, 111 51 Stockholm",
      "ul. Marszałkowska 10/12, 00-590 Warszawa",
    ],
    templates: ["Envíe el paquete a {A}, gracias.", "Indirizzo: {A} — citofono Rossi.", "Entrega: {A}"],
  },
];
const NEGATIVES = [
  "Route 66 is closed near Flagstaff this week.",
  "Install Windows 11 Pro on all 40 laptops by Friday.",
  "The train leaves from Platform 9 at 10:45.",
  "Meet at Gate 12 in Terminal 2.",
  "Season 3 Episode 4 was the best of the show.",
  "We have 3 Parkplätze hinter dem Haus.",
  "Im Jahr 2024 wuchs der Umsatz um 12 Prozent.",
  "Der Zug fährt von Gleis 7 ab.",
  "Order #48213 shipped via UPS 2 days ago.",
  "I walked down Oxford Street and then along the Thames.",
  "He lives in Berlin now, close to the river.",
  "Version 2.4.1 fixes the Main Street Market app crash.",
  "The 12 Angry Men screening is in Room 204.",
  "Nos vemos el 12 de mayo en Madrid.",
  "Il prezzo è salito a 10 euro in Via Roma.",
  "Wir treffen uns am Bahnhof um 9 Uhr.",
  "Scored 3 points in the Champions League final.",
  "Chapter 7 covers the Rue Morgue murders.",
];

/** Every template with every address of its country: a fixed walk, no randomness. */
function generate(): PiiRow[] {
  const rows: PiiRow[] = [];
  for (const { addresses, templates } of COUNTRIES)
    for (const template of templates)
      for (const address of addresses) {
        const start = template.indexOf("{A}");
        const text = template.replace("{A}", address);
        rows.push({ text, spans: [{ start, end: start + address.length, type: "STREET_ADDRESS" }] });
      }
  for (const text of NEGATIVES) rows.push({ text, spans: [] });
  return rows;
}

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const showErrors = Number(value("--errors") ?? 0);
const data = value("--data");
const dataDir = fileURLToPath(new URL("./data/", import.meta.url));
const texts = value("--texts");
if (texts) {
  const rows = readFileSync(texts, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { text?: unknown; title?: unknown })
    .map((r) => ({ text: [r.title, r.text].filter((t) => typeof t === "string").join("\n"), spans: [] }));
  const {
    texts: n,
    detected,
    p50_us,
  } = scoreSpans(rows, (text) => detectPii(text, { types: [], recognizers: [streetAddresses] }), {
    only: "STREET_ADDRESS",
    showErrors,
  });
  console.log(
    JSON.stringify({
      texts: n,
      false_finds: detected,
      per_1000_texts: Number(((detected / n) * 1000).toFixed(2)),
      p50_us,
    }),
  );
} else if (value("--set") === "dev")
  console.log(JSON.stringify(scoreRecognizer(generate(), streetAddresses, showErrors)));
else if (data) console.log(JSON.stringify(scoreRecognizer(readPiiRows(data), streetAddresses, showErrors)));
else
  for (const name of readdirSync(dataDir)
    .filter((f) => /^addresses-heldout.*\.jsonl$/.test(f))
    .sort()) {
    const rows = readPiiRows(dataDir + name);
    console.log(JSON.stringify({ data: name, ...scoreRecognizer(rows, streetAddresses, showErrors) }));
  }
