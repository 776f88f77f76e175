// How well core's `loadPersonNames()` finds person names: a PERSON recognizer by function over
// compromise 14's people() (an optional peer of core; Keel has no name list or NER model of its
// own, see the guard README). Scored like bench:pii: a labelled span is found when a detected
// PERSON span covers it; a detected span is correct when it overlaps a labelled one.
//   pnpm bench:names                the generated set below (English sentences, names from many cultures)
//   pnpm bench:names --data FILE    JSON lines {"text","spans":[{"start","end","type":"PERSON"}]}
// Flags: --errors N (print misses and false finds to stderr), --titles-only (titledNames alone).
// Prints one JSON line: {"recall":{"PERSON":x},"precision":y,"n":spans,"texts":n,"p50_us":t}.
import { loadPersonNames, titledNames } from "@keel/core/guard/names";
import { type PiiRow, readPiiRows } from "./pii-corpus.js";
import { scoreRecognizer } from "./span-score.js";

const FIRST = [
  "Maria",
  "James",
  "Priya",
  "Wei",
  "Chinedu",
  "Fatima",
  "Lars",
  "Aiko",
  "Diego",
  "Olga",
  "Kwame",
  "Sofia",
  "Mehmet",
  "Anna",
  "Rahul",
  "Yuki",
  "Thomas",
  "Amara",
  "Pierre",
  "Elena",
];
const LAST = [
  "Gonzalez",
  "Smith",
  "Raghunathan",
  "Zhang",
  "Okafor",
  "Haddad",
  "Johansson",
  "Tanaka",
  "Alvarez",
  "Petrova",
  "Mensah",
  "Rossi",
  "Yilmaz",
  "Schmidt",
  "Sharma",
  "Sato",
  "Müller",
  "Diallo",
  "Dubois",
  "Novak",
];
const TEMPLATES = [
  "Please send the signed contract to {A} before Friday.",
  "{A} called about the invoice from March.",
  "Meeting notes: {A} and {B} agreed on the Q3 budget.",
  "Dear {A}, thank you for your order from our Berlin store.",
  "Can you ask {A} whether the Apple laptops arrived?",
  "The ticket was opened by {A} and reassigned to {B} on Monday.",
  "According to {A}, the Amazon delivery will be late.",
  "I had lunch with {A} in Paris last week.",
  "Forward the report to {A}; cc {B}.",
  "Our new hire, {A}, starts in June.",
];
// Capitalized words that are not people: months, places, brands, weekdays.
const NO_NAMES = [
  "The Apple Watch ships in May from the warehouse in Jordan.",
  "Will the Amazon order arrive before Christmas?",
  "Visit Paris, Lisbon and Rome in April.",
  "The Ford Focus and the Toyota Corolla were on sale in Victoria.",
  "Microsoft Teams crashed again on Monday morning.",
  "Our office in Washington closes early on Friday.",
  "Read chapter 4 of Pride and Prejudice before June.",
  "Shipping to Georgia and Virginia takes three days.",
  "The Golden Gate Bridge was foggy on Sunday.",
  "Update Chrome and Firefox before the Windows patch.",
];

/** Sentences with names labelled, from a fixed walk over the lists (deterministic, no tuning). */
function generate(): PiiRow[] {
  const rows: PiiRow[] = [];
  let k = 0;
  for (const template of TEMPLATES)
    for (let i = 0; i < 12; i++, k++) {
      // A stride through all 400 first-last pairs, so no pair repeats often.
      const names = [0, 1].map((j) => {
        const pair = (k * 37 + j * 101) % (FIRST.length * LAST.length);
        return `${FIRST[pair % FIRST.length]} ${LAST[Math.floor(pair / FIRST.length)]}`;
      });
      let text = "";
      const spans: PiiRow["spans"] = [];
      const parts = template.split(/(\{[AB]\})/);
      for (const part of parts) {
        const name = part === "{A}" ? names[0] : part === "{B}" ? names[1] : undefined;
        if (name) {
          spans.push({ start: text.length, end: text.length + name.length, type: "PERSON" });
          text += name;
        } else text += part;
      }
      rows.push({ text, spans });
    }
  for (const text of NO_NAMES) rows.push({ text, spans: [] });
  return rows;
}

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const showErrors = Number(value("--errors") ?? 0);
const data = value("--data");
const rows = data ? readPiiRows(data) : generate();

// --titles-only: the dependency-free half alone (names after a title or in a greeting).
const recognizer = args.includes("--titles-only") ? titledNames : await loadPersonNames();
console.log(JSON.stringify(scoreRecognizer(rows, recognizer, showErrors)));
