import { WordNetError } from "../errors/index.js";
import { pySplit } from "../text/python-text.js";

/** What METEOR's synonym stage needs from WordNet. */
export interface WordNet {
  /**
   * Lemma names of every synset of `word` over all parts of speech (NLTK `wordnet.synsets(word)`,
   * which applies morphy), in no particular order; names keep WordNet's case and underscores.
   */
  lemmaNames(word: string): readonly string[];
}

/** The WordNet database files: `index.*`, `data.*` (bytes: lines are found by byte offset) and `*.exc`. */
export type WordNetFiles = Record<string, Uint8Array | string>;

const POS_FILES = [
  ["n", "noun"],
  ["v", "verb"],
  ["a", "adj"],
  ["r", "adv"],
] as const;

type Pos = (typeof POS_FILES)[number][0];

/** NLTK's `WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS`. */
const SUBSTITUTIONS: Record<Pos, ReadonlyArray<readonly [string, string]>> = {
  n: [
    ["s", ""],
    ["ses", "s"],
    ["ves", "f"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  v: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  a: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  r: [],
};

const utf8 = new TextDecoder();
const SYNTACTIC_MARKER = /^(.*?)(\(.*\))?$/;
// Index and exception lines are ASCII fields separated by spaces; a plain split is much faster
// than Python-whitespace splitting over the 150,000 index lines, and gives the same fields.
const splitFields = (line: string) => line.split(/[ \t\r]+/).filter(Boolean);
const splitPy = pySplit;

const asText = (v: Uint8Array | string) => (typeof v === "string" ? v : utf8.decode(v));
const asBytes = (v: Uint8Array | string) => (typeof v === "string" ? new TextEncoder().encode(v) : v);

/**
 * WordNet read from its database files the way NLTK's `WordNetCorpusReader` reads them: the index
 * maps lemma → part of speech → synset offsets, morphy with the exception lists and NLTK's
 * substitution rules, and synsets parsed from the data files on first use. Pure: the caller
 * supplies the file contents (`@keel/eval/node`'s `loadWordNet(dir)` reads a directory).
 */
export class WordNetDatabase implements WordNet {
  readonly #index = new Map<string, Partial<Record<Pos, number[]>>>();
  readonly #exceptions: Record<Pos, Map<string, string[]>> = {
    n: new Map(),
    v: new Map(),
    a: new Map(),
    r: new Map(),
  };
  readonly #data: Record<Pos, Uint8Array>;
  readonly #synsets: Record<Pos, Map<number, string[]>> = {
    n: new Map(),
    v: new Map(),
    a: new Map(),
    r: new Map(),
  };
  readonly #names = new Map<string, readonly string[]>();

  constructor(files: WordNetFiles) {
    const need = (name: string) => {
      const f = files[name];
      if (f === undefined) throw new WordNetError(`WordNet file "${name}" is missing`);
      return f;
    };
    const data: Partial<Record<Pos, Uint8Array>> = {};
    for (const [pos, suffix] of POS_FILES) {
      this.#loadIndex(asText(need(`index.${suffix}`)), pos, `index.${suffix}`);
      for (const line of asText(need(`${suffix}.exc`)).split("\n")) {
        const terms = splitFields(line);
        if (terms.length > 0) this.#exceptions[pos].set(terms[0]!, terms.slice(1));
      }
      data[pos] = asBytes(need(`data.${suffix}`));
    }
    this.#data = data as Record<Pos, Uint8Array>;
  }

  #loadIndex(text: string, pos: Pos, file: string): void {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length === 0 || line.startsWith(" ")) continue;
      const t = splitFields(line);
      const nSynsets = Number(t[2]);
      const nPointers = Number(t[3]);
      const offsetsAt = 4 + nPointers + 2;
      if (!(nSynsets > 0) || !Number.isInteger(nPointers) || t.length < offsetsAt + nSynsets)
        throw new WordNetError(`WordNet ${file}, line ${i + 1}: malformed entry`);
      const offsets = t.slice(offsetsAt, offsetsAt + nSynsets).map(Number);
      const lemma = t[0]!;
      let entry = this.#index.get(lemma);
      if (!entry) {
        entry = {};
        this.#index.set(lemma, entry);
      }
      // NLTK keys the satellite-adjective tag "s" with the same offsets; synsets() never asks for it.
      if (t[1] === pos) entry[pos] = offsets;
    }
  }

  #morphy(form: string, pos: Pos): string[] {
    const filter = (forms: string[]) => {
      const out: string[] = [];
      for (const f of forms) if (this.#index.get(f)?.[pos] !== undefined && !out.includes(f)) out.push(f);
      return out;
    };
    const exceptions = this.#exceptions[pos].get(form);
    if (exceptions !== undefined) return filter([form, ...exceptions]);
    const rules = SUBSTITUTIONS[pos];
    const apply = (forms: string[]) => {
      const out: string[] = [];
      for (const f of forms)
        for (const [old, replacement] of rules)
          if (f.endsWith(old)) out.push(f.slice(0, -old.length) + replacement);
      return out;
    };
    let forms = apply([form]);
    const first = filter([form, ...forms]);
    if (first.length > 0) return first;
    while (forms.length > 0) {
      forms = apply(forms);
      const found = filter(forms);
      if (found.length > 0) return found;
    }
    return [];
  }

  #synset(pos: Pos, offset: number): string[] {
    const cached = this.#synsets[pos].get(offset);
    if (cached) return cached;
    const bytes = this.#data[pos];
    let end = offset;
    while (end < bytes.length && bytes[end] !== 0x0a) end++;
    const line = utf8.decode(bytes.subarray(offset, end));
    const columns = splitPy(line.split("|")[0] ?? "");
    if (Number(columns[0]) !== offset)
      throw new WordNetError(`WordNet data file for "${pos}" has no synset at offset ${offset}`);
    const count = Number.parseInt(columns[3] ?? "", 16);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const raw = columns[4 + 2 * i] ?? "";
      names.push(SYNTACTIC_MARKER.exec(raw)?.[1] ?? raw);
    }
    this.#synsets[pos].set(offset, names);
    return names;
  }

  /** Lemma names of all synsets of `word` (lowercased first, as NLTK does). */
  lemmaNames(word: string): readonly string[] {
    const lemma = word.toLowerCase();
    const cached = this.#names.get(lemma);
    if (cached) return cached;
    const names: string[] = [];
    for (const [pos] of POS_FILES)
      for (const form of this.#morphy(lemma, pos))
        for (const offset of this.#index.get(form)?.[pos] ?? []) names.push(...this.#synset(pos, offset));
    if (this.#names.size > 100_000) this.#names.clear();
    this.#names.set(lemma, names);
    return names;
  }
}
