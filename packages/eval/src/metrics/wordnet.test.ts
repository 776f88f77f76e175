import { describe, expect, it } from "vitest";
import { WordNetError } from "../errors/index.js";
import { WordNetDatabase, type WordNetFiles } from "./wordnet.js";

// A tiny WordNet in the real files' format: data lines found by byte offset, index lines ending in
// two spaces after a license header whose lines start with a space, as Princeton's files are laid out.
type PosName = "noun" | "verb" | "adj" | "adv";
const TAG: Record<PosName, string> = { noun: "n", verb: "v", adj: "a", adv: "r" };
const HEADER =
  "  1 This software and database is being provided to you, the LICENSEE  \n  2 by Princeton.  \n";

interface Spec {
  /** Synsets of each part of speech, as their words (with syntactic markers where adjectives have them). */
  synsets?: Partial<Record<PosName, string[][]>>;
  /** Exception lines of each part of speech ("inflected base [base...]"). */
  exc?: Partial<Record<PosName, string[]>>;
  /** Glosses, in synset order, to give some lines non-ASCII bytes. */
  gloss?: (pos: PosName, i: number) => string;
  /** Pass the files as strings rather than bytes. */
  asStrings?: boolean;
}

const enc = new TextEncoder();
const pad8 = (n: number) => String(n).padStart(8, "0");

function wordnetFiles(spec: Spec): WordNetFiles {
  const files: WordNetFiles = {};
  for (const pos of ["noun", "verb", "adj", "adv"] as const) {
    const tag = TAG[pos];
    let data = HEADER;
    const offsetsOf = new Map<string, number[]>();
    (spec.synsets?.[pos] ?? []).forEach((words, i) => {
      const offset = enc.encode(data).length;
      const gloss = spec.gloss?.(pos, i) ?? `synset ${i}`;
      const fields = words.map((w) => `${w} 0`).join(" ");
      const count = words.length.toString(16).padStart(2, "0");
      data += `${pad8(offset)} 05 ${tag} ${count} ${fields} 001 @ 00001740 ${tag} 0000 | ${gloss}  \n`;
      for (const w of words) {
        const lemma = w.replace(/\(.*\)$/, "").toLowerCase();
        offsetsOf.set(lemma, [...(offsetsOf.get(lemma) ?? []), offset]);
      }
    });
    let index = HEADER;
    // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
    for (const [lemma, offsets] of [...offsetsOf].sort(([a], [b]) => (a < b ? -1 : 1)))
      index += `${lemma} ${tag} ${offsets.length} 2 @ ~ ${offsets.length} 0 ${offsets.map(pad8).join(" ")}  \n`;
    const exc = `${(spec.exc?.[pos] ?? []).join("\n")}\n`;
    files[`index.${pos}`] = spec.asStrings ? index : enc.encode(index);
    files[`data.${pos}`] = spec.asStrings ? data : enc.encode(data);
    files[`${pos}.exc`] = spec.asStrings ? exc : enc.encode(exc);
  }
  return files;
}

const db = (spec: Spec) => new WordNetDatabase(wordnetFiles(spec));

describe("WordNet lookups (NLTK's synsets(word) lemma names)", () => {
  it("lists the lemma names of every synset of a word, nouns, verbs, adjectives then adverbs", () => {
    const wn = db({
      synsets: {
        noun: [["dog", "domestic_dog", "Canis_familiaris"], ["cat"], ["frump", "dog"]],
        verb: [["chase", "chase_after", "dog"]],
        adj: [["fast"]],
        adv: [["fast", "quickly"]],
      },
    });
    expect(wn.lemmaNames("dog")).toEqual([
      "dog",
      "domestic_dog",
      "Canis_familiaris",
      "frump",
      "dog",
      "chase",
      "chase_after",
      "dog",
    ]);
    expect(wn.lemmaNames("fast")).toEqual(["fast", "fast", "quickly"]);
    expect(wn.lemmaNames("cat")).toEqual(["cat"]);
    expect(wn.lemmaNames("unicorn")).toEqual([]);
  });

  it("lowercases the word first, and answers a repeated lookup from its cache", () => {
    const wn = db({ synsets: { noun: [["Paris", "City_of_Light"]] } });
    expect(wn.lemmaNames("PARIS")).toEqual(["Paris", "City_of_Light"]);
    expect(wn.lemmaNames("paris")).toEqual(["Paris", "City_of_Light"]);
    // Repeated lookups come from the cache, other words looked up in between or not.
    const paris = wn.lemmaNames("Paris");
    expect(wn.lemmaNames("paris")).toBe(paris);
    wn.lemmaNames("city_of_light");
    expect(wn.lemmaNames("PARIS")).toBe(paris);
  });

  it("reads every word of a synset, its count being hexadecimal", () => {
    const words = Array.from({ length: 11 }, (_, i) => `w${i}`);
    expect(db({ synsets: { noun: [words] } }).lemmaNames("w0")).toEqual(words);
  });

  it("strips the adjective position markers, (a) (p) (ip), from lemma names", () => {
    const wn = db({
      synsets: { adj: [["abounding", "galore(ip)"], ["outback(a)", "remote"], ["ready(p)"]] },
    });
    expect(wn.lemmaNames("galore")).toEqual(["abounding", "galore"]);
    expect(wn.lemmaNames("remote")).toEqual(["outback", "remote"]);
    expect(wn.lemmaNames("ready")).toEqual(["ready"]);
  });

  it("finds data lines by byte offset when earlier lines hold multi-byte characters, given strings or bytes", () => {
    const spec: Spec = {
      synsets: { noun: [["cafe", "café"], ["naivete", "naïveté"], ["tea"]] },
      gloss: (_, i) => (i < 2 ? "a “quoted” gloss — with Ünïcödé" : "a drink"),
    };
    for (const asStrings of [false, true]) {
      const wn = db({ ...spec, asStrings });
      expect(wn.lemmaNames("tea")).toEqual(["tea"]);
      expect(wn.lemmaNames("naivete")).toEqual(["naivete", "naïveté"]);
    }
  });

  it("reads the last line of a data file that has no final newline", () => {
    const files = wordnetFiles({ synsets: { noun: [["cat"], ["dog", "hound"]] } });
    files["data.noun"] = (files["data.noun"] as Uint8Array).subarray(0, -1);
    expect(new WordNetDatabase(files).lemmaNames("hound")).toEqual(["dog", "hound"]);
  });

  it("reads files with Windows line ends", () => {
    const files = wordnetFiles({
      synsets: { noun: [["mouse"]] },
      exc: { noun: ["mice mouse"] },
      asStrings: true,
    });
    // The data files keep their line ends: their offsets are fixed.
    for (const [name, text] of Object.entries(files))
      if (!name.startsWith("data.")) files[name] = (text as string).replaceAll("\n", "\r\n");
    const wn = new WordNetDatabase(files);
    expect(wn.lemmaNames("mouse")).toEqual(["mouse"]);
    expect(wn.lemmaNames("mice")).toEqual(["mouse"]);
  });
});

describe("WordNet morphy (base forms of inflected words)", () => {
  // Built inside each test: a database built while the tests are collected would fail the whole file, not a test.
  const morphy = () =>
    db({
      synsets: {
        noun: [
          ["dog"],
          ["bus"],
          ["wolf"],
          ["box"],
          ["fez"],
          ["church"],
          ["dish"],
          ["fireman"],
          ["city"],
          ["glass"],
          ["glasses", "spectacles"],
          ["basis"],
          ["base"],
          ["mouse"],
        ],
        verb: [["run"], ["carry"], ["push"], ["hope"], ["walk"], ["hop"], ["bake"]],
        adj: [["tall"], ["nice"]],
      },
      exc: { noun: ["bases basis", "mice mouse"], verb: ["ran run"], adj: ["better good well"] },
    });

  it.each([
    ["dogs", "dog"],
    ["buses", "bus"],
    ["wolves", "wolf"],
    ["boxes", "box"],
    ["fezes", "fez"],
    ["churches", "church"],
    ["dishes", "dish"],
    ["firemen", "fireman"],
    ["cities", "city"],
    ["runs", "run"],
    ["carries", "carry"],
    ["pushes", "push"],
    ["walked", "walk"],
    ["baked", "bake"],
    ["baking", "bake"],
    ["walking", "walk"],
    ["taller", "tall"],
    ["tallest", "tall"],
    ["nicer", "nice"],
    ["nicest", "nice"],
  ])("finds %s under %s, by NLTK's substitution rules", (inflected, base) => {
    expect(morphy().lemmaNames(inflected)).toEqual([base]);
  });

  it("keeps each base form once, in rule order, when several rules lead to it", () => {
    // hopes → hope (-s, and -es → -e), hop (-es); hoped → hope (-ed → -e), hop (-ed).
    expect(morphy().lemmaNames("hopes")).toEqual(["hope", "hop"]);
    expect(morphy().lemmaNames("hoped")).toEqual(["hope", "hop"]);
  });

  it("keeps the word itself when it is a lemma too, before its base forms", () => {
    expect(morphy().lemmaNames("glasses")).toEqual(["glasses", "spectacles", "glass"]);
  });

  it("applies the rules again to their own output when a first round finds nothing", () => {
    // dogss → dogs (not a lemma) → dog.
    expect(morphy().lemmaNames("dogss")).toEqual(["dog"]);
    // dogsss → dogss → dogs → dog: three rounds.
    expect(morphy().lemmaNames("dogsss")).toEqual(["dog"]);
    expect(morphy().lemmaNames("xyzzy")).toEqual([]);
  });

  it("takes an exception list's base forms instead of the rules", () => {
    expect(morphy().lemmaNames("mice")).toEqual(["mouse"]);
    expect(morphy().lemmaNames("ran")).toEqual(["run"]);
    // "bases" would reach "base" by the -s rule; its exception entry says "basis" only.
    expect(morphy().lemmaNames("bases")).toEqual(["basis"]);
    // An exception whose base forms are not lemmas of that part of speech finds nothing.
    expect(morphy().lemmaNames("better")).toEqual([]);
  });

  it("looks base forms up only under the part of speech whose rules produced them", () => {
    const boxing = db({ synsets: { noun: [["boxing", "pugilism"]], verb: [["box"]] } });
    // Noun: boxings → boxing. Verb: boxings → boxing, not a verb, so a second round: boxing → box.
    expect(boxing.lemmaNames("boxings")).toEqual(["boxing", "pugilism", "box"]);
    // -ing is a verb rule only, and "boxing" is the noun's own lemma.
    expect(boxing.lemmaNames("boxing")).toEqual(["boxing", "pugilism", "box"]);
  });
});

describe("WordNet database errors", () => {
  const good = () => wordnetFiles({ synsets: { noun: [["dog"]] } });

  it("names a missing file", () => {
    for (const name of ["index.noun", "data.verb", "adj.exc", "index.adv"]) {
      const files = good();
      delete files[name];
      expect(() => new WordNetDatabase(files)).toThrow(new WordNetError(`WordNet file "${name}" is missing`));
    }
  });

  it.each([
    ["no synsets", "dog n 0 0 0 0  "],
    ["an unreadable synset count", "dog n x 0 1 0 00000100  "],
    ["an unreadable pointer count", "dog n 1 x 1 0 00000100  "],
    ["fewer offsets than synsets", "dog n 2 0 2 0 00000100  "],
    ["pointers eating the offsets", "dog n 1 2 @ 1 0 00000100  "],
  ])("rejects an index line with %s, naming the file and line", (_, line) => {
    const files = good();
    files["index.noun"] = `${HEADER}${line}\n`;
    expect(() => new WordNetDatabase(files)).toThrow(
      new WordNetError("WordNet index.noun, line 3: malformed entry"),
    );
  });

  it("says when an index offset does not start a synset in the data file", () => {
    const files = good();
    files["index.noun"] = `${HEADER}dog n 1 0 1 0 00000005  \n`;
    const wn = new WordNetDatabase(files);
    expect(() => wn.lemmaNames("dog")).toThrow(
      new WordNetError('WordNet data file for "n" has no synset at offset 5'),
    );
  });
});
