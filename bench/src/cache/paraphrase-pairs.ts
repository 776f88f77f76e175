/**
 * A seeded generator of labelled prompt pairs for the semantic-cache benchmark: `same` pairs are
 * rewordings (other function words, synonyms, typos, reordered clauses) that must share an
 * answer; `different` pairs are near-misses that must not (negation, swapped subject and object,
 * other units, comparatives, before / after, a different intent, another entity or number).
 *
 * Two disjoint halves: every vocabulary list and every list of surface templates is split in
 * two (even items tune, odd items held out), so the held-out half asks about other things in
 * other words. Choose settings on `tune`; report `heldout`.
 *
 *   npx tsx bench/src/cache/paraphrase-pairs.ts --set heldout > pairs.jsonl
 */

/** One labelled pair, as the benchmark reads it (`category` is optional there). */
export interface Pair {
  a: string;
  b: string;
  same: boolean;
  category: string;
}

export type PairSet = "tune" | "heldout";

function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The half of a list that belongs to a set: even positions tune, odd ones are held out. */
const half = <T>(items: T[], set: PairSet): T[] => items.filter((_, i) => i % 2 === (set === "tune" ? 0 : 1));

/** A typo in the longest word: two letters swapped, one dropped or one doubled. */
function typo(text: string, random: () => number): string {
  const words = text.split(" ");
  let longest = 0;
  for (let i = 1; i < words.length; i++) if (words[i]!.length > words[longest]!.length) longest = i;
  const w = words[longest]!;
  const at = 1 + Math.floor(random() * (w.length - 3));
  const kind = Math.floor(random() * 3);
  words[longest] =
    kind === 0
      ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2)
      : kind === 1
        ? w.slice(0, at) + w.slice(at + 1)
        : w.slice(0, at) + w[at] + w.slice(at);
  return words.join(" ");
}

const fill = (template: string, slots: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(slots[k]));

// Vocabularies (split by half).
const UNIT_PAIRS: Array<[string, string, string]> = [
  // from, to, another "to" unit of the same kind
  ["miles", "kilometers", "meters"],
  ["pounds", "kilograms", "grams"],
  ["gallons", "liters", "milliliters"],
  ["feet", "meters", "centimeters"],
  ["ounces", "grams", "kilograms"],
  ["inches", "centimeters", "millimeters"],
  ["hours", "minutes", "seconds"],
  ["acres", "hectares", "square meters"],
  ["cups", "milliliters", "liters"],
  ["yards", "meters", "kilometers"],
];
const COMPARED: Array<[string, string, string, string, string]> = [
  // A, B, adjective, its synonym, its opposite
  ["a lion", "a tiger", "stronger", "more powerful", "weaker"],
  ["Python", "Java", "faster", "quicker", "slower"],
  ["the Nile", "the Amazon", "longer", "lengthier", "shorter"],
  ["gold", "silver", "heavier", "denser", "lighter"],
  ["a laptop", "a desktop", "cheaper", "less expensive", "pricier"],
  ["Mars", "Venus", "hotter", "warmer", "colder"],
  ["tea", "coffee", "healthier", "better for you", "worse for you"],
  ["Tokyo", "London", "bigger", "larger", "smaller"],
  ["a bond", "a stock", "riskier", "more dangerous", "safer"],
  ["SQLite", "PostgreSQL", "simpler", "easier", "harder"],
];
const ACTIVITIES: Array<[string, string]> = [
  // activity, what to do around it
  ["a marathon", "eat"],
  ["a job interview", "do"],
  ["surgery", "avoid eating"],
  ["a long flight", "drink"],
  ["an exam", "study"],
  ["a workout", "stretch"],
  ["a vaccination", "take"],
  ["a wedding", "prepare"],
  ["a tooth extraction", "eat"],
  ["a blood test", "drink"],
];
const ACCOUNT: Array<[string, string, string, string]> = [
  // verb, its synonym, a different intent, thing
  ["cancel", "terminate", "renew", "subscription"],
  ["reset", "recover", "change", "password"],
  ["delete", "remove", "export", "account"],
  ["update", "edit", "verify", "billing address"],
  ["upgrade", "improve", "downgrade", "plan"],
  ["pause", "suspend", "resume", "membership"],
  ["download", "save", "print", "invoice"],
  ["enable", "turn on", "disable", "two-factor authentication"],
  ["share", "send", "lock", "document"],
  ["track", "follow", "return", "order"],
];
const PEOPLE = ["Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"];
const RELATIONS: Array<[string, string]> = [
  // past tense verb, synonym
  ["email", "message"],
  ["hire", "employ"],
  ["beat", "defeat"],
  ["call", "phone"],
  ["sue", "take to court"],
  ["pay", "reimburse"],
  ["invite", "ask"],
  ["follow", "track"],
  ["teach", "tutor"],
  ["visit", "see"],
];
const COUNTRIES = [
  "France",
  "Japan",
  "Brazil",
  "Kenya",
  "Canada",
  "Norway",
  "Chile",
  "Egypt",
  "India",
  "Spain",
];
const FACTS: Array<[string, string]> = [
  // attribute, a near-topic attribute
  ["capital", "currency"],
  ["population", "area"],
  ["official language", "national anthem"],
  ["highest mountain", "longest river"],
  ["head of state", "prime minister"],
];
const ACTS: Array<[string, string]> = [
  // an act, its rewording
  ["drink tap water", "drink water from the tap"],
  ["run a dishwasher overnight", "leave a dishwasher running overnight"],
  ["charge a phone overnight", "leave a phone charging overnight"],
  ["freeze cooked rice", "put cooked rice in the freezer"],
  ["give a dog grapes", "feed grapes to a dog"],
  ["reuse a water bottle", "use a water bottle again"],
  ["microwave plastic containers", "heat plastic containers in the microwave"],
  ["swim after eating", "go swimming after a meal"],
  ["store batteries in the fridge", "keep batteries in the refrigerator"],
  ["update the BIOS", "flash a new BIOS"],
];

// Surface templates (split by half): paraphrases of one question in other words.
const CONVERT_Q = ["How many {to} are in {n} {from}?", "What is {n} {from} in {to}?"];
const CONVERT_P = [
  "Convert {n} {from} to {to}.",
  "{n} {from} is how many {to}?",
  "How many {to} is {n} {from}?",
  "Can you convert {n} {from} into {to}?",
  "what's {n} {from} in {to}",
  "Please tell me how many {to} there are in {n} {from}.",
];
const COMPARE_Q = ["Is {a} {adj} than {b}?", "Which is {adj}, {a} or {b}? Is it {a}?"];
const COMPARE_P = [
  "Would you say {a} is {adj} than {b}?",
  "Is {a} {syn} than {b}?",
  "Compared with {b}, is {a} {adj}?",
  "Is it true that {a} is {syn} than {b}?",
  "is {a} {adj} than {b}",
  "In your view, is {a} {adj} than {b}?",
];
const TIME_Q = ["What should I {act} before {event}?", "What is best to {act} before {event}?"];
const TIME_P = [
  "Before {event}, what should I {act}?",
  "What's the best thing to {act} before {event}?",
  "What ought I to {act} before {event}?",
  "what should i {act} before {event}",
  "Any advice on what to {act} before {event}?",
  "Tell me what I should {act} before {event}.",
];
const ACCOUNT_Q = ["How do I {verb} my {thing}?", "How can I {verb} my {thing}?"];
const ACCOUNT_P = [
  "What's the way to {verb} my {thing}?",
  "How do I {syn} my {thing}?",
  "I want to {verb} my {thing}. How do I do that?",
  "Steps to {verb} my {thing}?",
  "how to {verb} my {thing}",
  "Could you tell me how to {verb} my {thing}?",
];
const RELATION_Q = ["Did {p} {rel} {q} {when}?", "Did {p} really {rel} {q} {when}?"];
const RELATION_WHEN = ["last week", "yesterday"];
const RELATION_P = [
  "{When}, did {p} {rel} {q}?",
  "Did {p} {syn} {q} {when}?",
  "Is it true that {p} did {rel} {q} {when}?",
  "did {p} {rel} {q} {when}",
  "Was it {when} that {p} did {rel} {q}?",
  "Can you check whether {p} did {rel} {q} {when}?",
];
const FACT_Q = ["What is the {attr} of {c}?", "Tell me the {attr} of {c}."];
const FACT_P = [
  "What's the {attr} of {c}?",
  "What is {c}'s {attr}?",
  "Which is the {attr} of {c}?",
  "{c}: what is its {attr}?",
  "what is the {attr} of {c}",
  "Do you know the {attr} of {c}?",
];
const SAFE_Q = ["Is it safe to {act}?", "Is it okay to {act}?"];
const SAFE_P = [
  "Is it safe to {alt}?",
  "Can I safely {act}?",
  "Would it be safe to {act}?",
  "is it safe to {act}",
  "Is it generally safe to {act}?",
  "Are there risks if I {act}? Is it safe?",
];

/** The labelled pairs of one half, deterministic for a given seed. */
export function generatePairs(set: PairSet, seed = 21): Pair[] {
  const random = rng(seed + (set === "tune" ? 0 : 1000));
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const pairs: Pair[] = [];
  const add = (a: string, b: string, same: boolean, category: string) => pairs.push({ a, b, same, category });
  /** Paraphrases of `a` from the half's templates, plus a typo variant. */
  const paraphrases = (a: string, templates: string[], slots: Record<string, string | number>) => {
    for (const t of half(templates, set)) add(a, fill(t, slots), true, "paraphrase");
    add(a, typo(a, random), true, "typo");
  };

  for (const [from, to, other] of half(UNIT_PAIRS, set)) {
    const n = pick([3, 5, 12, 40, 250]);
    const q = pick(half(CONVERT_Q, set));
    const a = fill(q, { n, from, to });
    paraphrases(a, CONVERT_P, { n, from, to });
    add(a, fill(q, { n, from, to: other }), false, "other-unit");
    add(a, fill(q, { n, from: to, to: from }), false, "swapped");
    add(a, fill(q, { n: n * 2 + 1, from, to }), false, "number");
  }
  for (const [x, y, adj, syn, opposite] of half(COMPARED, set)) {
    const q = pick(half(COMPARE_Q, set));
    const a = fill(q, { a: x, b: y, adj });
    paraphrases(a, COMPARE_P, { a: x, b: y, adj, syn });
    add(a, fill(q, { a: x, b: y, adj: opposite }), false, "comparative");
    add(a, fill(q, { a: y, b: x, adj }), false, "swapped");
    add(
      a,
      fill(q, { a: x, b: y, adj })
        .replace(/^Is /, "Isn't ")
        .replace(/^Which is /, "Which isn't "),
      false,
      "negation",
    );
  }
  for (const [event, act] of half(ACTIVITIES, set)) {
    const q = pick(half(TIME_Q, set));
    const a = fill(q, { act, event });
    paraphrases(a, TIME_P, { act, event });
    add(a, a.replace(" before ", " after "), false, "before-after");
    add(a, a.replace(` ${act} `, ` not ${act} `), false, "negation");
  }
  for (const [verb, syn, other, thing] of half(ACCOUNT, set)) {
    const q = pick(half(ACCOUNT_Q, set));
    const a = fill(q, { verb, thing });
    paraphrases(a, ACCOUNT_P, { verb, syn, thing });
    add(a, fill(q, { verb: other, thing }), false, "intent");
    add(a, `Why can't I ${verb} my ${thing}?`, false, "intent");
    add(
      a,
      fill(q, {
        verb,
        thing: pick(
          half(ACCOUNT, set)
            .map((x) => x[3])
            .filter((t) => t !== thing),
        ),
      }),
      false,
      "entity",
    );
  }
  const people = half(PEOPLE, set);
  for (const [i, [rel, syn]] of half(RELATIONS, set).entries()) {
    const p = people[i % people.length]!;
    const q2 = people[(i + 1) % people.length]!;
    const r = people[(i + 2) % people.length]!;
    const t = pick(half(RELATION_Q, set));
    const when = half(RELATION_WHEN, set)[0]!;
    const When = when[0]!.toUpperCase() + when.slice(1);
    const a = fill(t, { p, q: q2, rel, when });
    paraphrases(a, RELATION_P, { p, q: q2, rel, syn, when, When });
    add(a, fill(t, { p: q2, q: p, rel, when }), false, "swapped");
    add(a, fill(t, { p, q: r, rel, when }), false, "entity");
    add(a, a.replace(/^Did /, "Didn't "), false, "negation");
  }
  const countries = half(COUNTRIES, set);
  for (const [i, c] of countries.entries()) {
    const [attr, near] = FACTS[i % FACTS.length]!;
    const q = pick(half(FACT_Q, set));
    const a = fill(q, { attr, c });
    paraphrases(a, FACT_P, { attr, c });
    add(a, fill(q, { attr: near, c }), false, "intent");
    add(a, fill(q, { attr, c: countries[(i + 1) % countries.length]! }), false, "entity");
  }
  for (const [act, alt] of half(ACTS, set)) {
    const q = pick(half(SAFE_Q, set));
    const a = fill(q, { act });
    paraphrases(a, SAFE_P, { act, alt });
    add(a, a.replace(/^Is it /, "Is it not "), false, "negation");
    add(a, a.replace(/ safe /, " unsafe ").replace(/ okay /, " dangerous "), false, "opposite");
  }
  return pairs;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const args = process.argv.slice(2);
  const set = (args.includes("--set") ? args[args.indexOf("--set") + 1] : "heldout") as PairSet;
  if (set !== "tune" && set !== "heldout") throw new Error(`--set must be tune or heldout, got ${set}`);
  for (const p of generatePairs(set)) process.stdout.write(`${JSON.stringify(p)}\n`);
}
