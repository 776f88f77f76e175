/**
 * A tolerant JSON parser for text that is still streaming in or that a model got slightly wrong.
 *
 * It accepts a prefix of a JSON document (unclosed strings, arrays and objects, a literal or
 * number cut short) and the small mistakes models make (trailing commas). It never guesses at
 * anything else: unexpected characters make it give up.
 */

/** The value read from lenient JSON, and what had to be assumed to read it. */
export interface LenientJson {
  value: unknown;
  /** True when the text was a whole JSON value that needed no repair. */
  complete: boolean;
  /** What was fixed, e.g. "removed a trailing comma", "closed an unterminated string". */
  repairs: string[];
}

class Truncated {
  constructor(readonly value: unknown) {}
}
const NOTHING = Symbol("nothing");

class Reader {
  pos = 0;
  readonly repairs: string[] = [];
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? "";
  }
  skipSpace(): void {
    while (!this.done && /\s/.test(this.peek())) this.pos++;
  }
  fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }
}

/**
 * Parses a complete or truncated JSON value. Returns `undefined` when the text is not (a prefix
 * of) JSON. A truncated number or literal at the very end is read as far as it goes.
 */
export function parsePartialJson(text: string): LenientJson | undefined {
  const reader = new Reader(text);
  try {
    reader.skipSpace();
    if (reader.done) return undefined;
    const read = readValue(reader);
    reader.skipSpace();
    if (!reader.done) reader.fail("unexpected text after the JSON value");
    const truncated = read instanceof Truncated;
    const value = truncated ? read.value : read;
    if (value === NOTHING) return undefined;
    return { value, complete: !truncated && reader.repairs.length === 0, repairs: reader.repairs };
  } catch {
    return undefined;
  }
}

/**
 * Parses JSON a model wrote, repairing trailing commas and unclosed strings, arrays and objects.
 * Returns `undefined` when it cannot be read even leniently.
 */
export function parseLenientJson(text: string): LenientJson | undefined {
  try {
    return { value: JSON.parse(text), complete: true, repairs: [] };
  } catch {
    return parsePartialJson(text);
  }
}

// Each reader returns the value, or a `Truncated` wrapping what was read before the text ended.
type Read = unknown | Truncated;

function readValue(r: Reader): Read {
  r.skipSpace();
  if (r.done) return new Truncated(NOTHING);
  const c = r.peek();
  if (c === "{") return readObject(r);
  if (c === "[") return readArray(r);
  if (c === '"') return readString(r);
  if (c === "-" || (c >= "0" && c <= "9")) return readNumber(r);
  return readLiteral(r);
}

function readObject(r: Reader): Read {
  r.pos++;
  const out: Record<string, unknown> = {};
  let expectingEntry = true;
  for (;;) {
    r.skipSpace();
    if (r.done) return closed(r, out, "an object");
    const c = r.peek();
    if (c === "}") {
      if (expectingEntry && Object.keys(out).length > 0) r.repairs.push("removed a trailing comma");
      r.pos++;
      return out;
    }
    if (!expectingEntry) r.fail("expected , or }");
    if (c !== '"') r.fail("expected a property name");
    const key = readString(r);
    if (key instanceof Truncated) return closed(r, out, "an object");
    r.skipSpace();
    if (r.done) return closed(r, out, "an object");
    if (r.peek() !== ":") r.fail("expected :");
    r.pos++;
    const value = readValue(r);
    if (value instanceof Truncated) {
      if (value.value !== NOTHING) setOwn(out, key as string, value.value);
      return closed(r, out, "an object");
    }
    setOwn(out, key as string, value);
    r.skipSpace();
    if (r.peek() === ",") {
      r.pos++;
      expectingEntry = true;
    } else expectingEntry = false;
  }
}

/** Sets an own property as JSON.parse does, so a `__proto__` key cannot replace the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function readArray(r: Reader): Read {
  r.pos++;
  const out: unknown[] = [];
  let expectingItem = true;
  for (;;) {
    r.skipSpace();
    if (r.done) return closed(r, out, "an array");
    const c = r.peek();
    if (c === "]") {
      if (expectingItem && out.length > 0) r.repairs.push("removed a trailing comma");
      r.pos++;
      return out;
    }
    if (!expectingItem) r.fail("expected , or ]");
    const value = readValue(r);
    if (value instanceof Truncated) {
      if (value.value !== NOTHING) out.push(value.value);
      return closed(r, out, "an array");
    }
    out.push(value);
    r.skipSpace();
    if (r.peek() === ",") {
      r.pos++;
      expectingItem = true;
    } else expectingItem = false;
  }
}

function closed(r: Reader, value: unknown, what: string): Truncated {
  r.repairs.push(`closed ${what}`);
  return new Truncated(value);
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function readString(r: Reader): Read {
  r.pos++;
  let out = "";
  while (!r.done) {
    const c = r.text[r.pos]!;
    if (c === '"') {
      r.pos++;
      return out;
    }
    if (c === "\\") {
      const e = r.text[r.pos + 1];
      if (e === undefined) break;
      if (e === "u") {
        const hex = r.text.slice(r.pos + 2, r.pos + 6);
        if (hex.length < 4) break;
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) r.fail("bad unicode escape");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        r.pos += 6;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) r.fail("bad escape");
      out += decoded;
      r.pos += 2;
      continue;
    }
    if (c < " ") r.fail("control character in string");
    out += c;
    r.pos++;
  }
  r.pos = r.text.length;
  r.repairs.push("closed an unterminated string");
  return new Truncated(out);
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/;
const NUMBER_PREFIX = /^-?(0|[1-9]\d*)?(\.\d*)?([eE][+-]?\d*)?$/;

function readNumber(r: Reader): Read {
  const rest = r.text.slice(r.pos);
  const match = NUMBER.exec(rest);
  const end = match ? r.pos + match[0].length : r.pos;
  if (end === r.text.length || !match) {
    // The number runs to the end of the text, so more digits may follow: read what is there.
    const tail = r.text.slice(r.pos);
    if (!NUMBER_PREFIX.test(tail)) r.fail("bad number");
    r.pos = r.text.length;
    if (match?.[0] === tail) return new Truncated(Number(tail));
    const usable = /^-?\d+(\.\d+)?/.exec(tail);
    return new Truncated(usable ? Number(usable[0]) : NOTHING);
  }
  r.pos = end;
  return Number(match[0]);
}

const LITERALS: Array<[string, unknown]> = [
  ["true", true],
  ["false", false],
  ["null", null],
];

function readLiteral(r: Reader): Read {
  const rest = r.text.slice(r.pos);
  for (const [word, value] of LITERALS) {
    if (rest.startsWith(word)) {
      r.pos += word.length;
      return value;
    }
    if (word.startsWith(rest)) {
      r.pos = r.text.length;
      r.repairs.push(`completed ${word}`);
      return new Truncated(value);
    }
  }
  return r.fail("unexpected character");
}
