import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { checkOutputSchema, OutputFilter } from "./output-filter.js";

const KEY = "sk-proj-abcDEF1234567890abcdef1234";

/** Streams `deltas` through a filter; returns each push's output and the flushed rest. */
const stream = (filter: OutputFilter, deltas: string[]) => {
  const pieces = deltas.map((d) => filter.push(d));
  const rest = filter.flush();
  return {
    pieces: pieces.map((p) => p.text),
    text: [...pieces, rest].map((p) => p.text).join(""),
    findings: [...pieces, rest].flatMap((p) => p.findings),
  };
};

describe("OutputFilter.filter (a whole answer)", () => {
  it("redacts API keys by default and reports them", () => {
    expect(new OutputFilter().filter(`key: ${KEY} and a@b.io`)).toEqual({
      text: "key: [redacted:API_KEY] and a@b.io",
      findings: [{ kind: "pii", id: "API_KEY" }],
    });
  });

  it("redacts the PII types asked for, and none with []", () => {
    expect(new OutputFilter({ pii: ["EMAIL"] }).filter(`${KEY} a@b.io`).text).toBe(`${KEY} [redacted:EMAIL]`);
    expect(new OutputFilter({ pii: [] }).filter(`${KEY} a@b.io`)).toEqual({
      text: `${KEY} a@b.io`,
      findings: [],
    });
  });

  it("removes every copy of a canary and ignores an empty one", () => {
    const f = new OutputFilter({ pii: [], canaries: ["", "kc-1234"] });
    expect(f.filter("a kc-1234 b kc-1234kc-1234 c")).toEqual({
      text: "a [removed] b [removed][removed] c",
      findings: [
        { kind: "canary", id: "canary" },
        { kind: "canary", id: "canary" },
        { kind: "canary", id: "canary" },
      ],
    });
    expect(f.filter("nothing here").text).toBe("nothing here");
  });

  it("removes deny-listed words case-insensitively, taken literally, and global RegExps", () => {
    const f = new OutputFilter({ pii: [], denyList: ["a.b", /fo+/g, /x*/g] });
    const out = f.filter("A.B and aXb, FOO and foo and fooo");
    expect(out.text).toBe("[removed] and aXb, FOO and [removed] and [removed]");
    expect(out.findings).toEqual([
      { kind: "deny-list", id: "a\\.b" },
      { kind: "deny-list", id: "fo+" },
      { kind: "deny-list", id: "fo+" },
    ]);
  });

  it("refuses a deny-list RegExp without the g flag, or a term that is no RegExp", () => {
    expect(() => new OutputFilter({ denyList: [/x/] })).toThrow(InvalidRequestError);
    expect(() => new OutputFilter({ denyList: [/x/] })).toThrow(
      "output filter: a deny-list RegExp needs the g flag",
    );
    expect(() => new OutputFilter({ denyList: [42 as unknown as RegExp] })).toThrow(InvalidRequestError);
  });

  it("keeps links to allowed hosts and their subdomains, removes the rest, and leaves sentence punctuation", () => {
    const f = new OutputFilter({ pii: [], allowLinks: ["Example.com"] });
    const out = f.filter(
      "See https://example.com/a, https://docs.example.com/b and http://user@EVIL.test./x?y=1. Also https://notexample.com.",
    );
    expect(out.text).toBe(
      "See https://example.com/a, https://docs.example.com/b and [link removed]. Also [link removed].",
    );
    expect(out.findings).toEqual([
      { kind: "link", id: "evil.test" },
      { kind: "link", id: "notexample.com" },
    ]);
  });

  it("leaves links alone when no allow-list is given", () => {
    expect(new OutputFilter({ pii: [] }).filter("go to https://evil.test/x").text).toBe(
      "go to https://evil.test/x",
    );
  });

  it("keeps the first of overlapping matches, the longer one where they start together", () => {
    const f = new OutputFilter({ pii: [], denyList: ["secret", "secret plan", "plan b"] });
    expect(f.filter("the secret plan b").text).toBe("the [removed] b");
    const g = new OutputFilter({ pii: [], canaries: ["kc-99"], denyList: ["99 red"] });
    expect(g.filter("kc-99 red").text).toBe("[removed] red");
  });
});

describe("OutputFilter.push and flush (a streamed answer)", () => {
  it("shows text far from the end at once and holds back only the tail", () => {
    const f = new OutputFilter({ pii: [] });
    const long = "word ".repeat(30);
    const first = f.push(long);
    // 64 characters of hold-back: a phone number or IBAN with spaces fits.
    expect(first.text).toBe(long.slice(0, long.length - 64));
    expect(f.flush().text).toBe(long.slice(long.length - 64));
    expect(f.flush().text).toBe("");
  });

  it("holds back a whole last word longer than the hold-back (a key or URL still arriving)", () => {
    const f = new OutputFilter({ pii: [] });
    const word = "y".repeat(100);
    expect(f.push(`hi ${word}`).text).toBe("hi ");
    expect(f.flush().text).toBe(word);
  });

  it("holds back after the last line break as after the last space", () => {
    const f = new OutputFilter({ pii: [] });
    const word = "z".repeat(80);
    expect(f.push(`a\n${word}`).text).toBe("a\n");
  });

  it("never shows part of a key split across deltas", () => {
    const intro = "Here it is, do not share it with anyone else please: ".repeat(2);
    const out = stream(new OutputFilter(), [intro, KEY.slice(0, 12), KEY.slice(12), ` ${"ok ".repeat(30)}`]);
    expect(out.text).toBe(`${intro}[redacted:API_KEY] ${"ok ".repeat(30)}`);
    for (const p of out.pieces) expect(p).not.toContain("sk-proj");
    expect(out.findings).toEqual([{ kind: "pii", id: "API_KEY" }]);
  });

  it("holds a deny-listed term or canary long enough to catch it across deltas", () => {
    const term = "t".repeat(70) + "-confidential";
    const f = new OutputFilter({ pii: [], denyList: [term] });
    const out = stream(f, [`${"a ".repeat(60)}${term.slice(0, 40)}`, term.slice(40), ` ${"b ".repeat(60)}`]);
    expect(out.text).toBe(`${"a ".repeat(60)}[removed] ${"b ".repeat(60)}`);
    for (const p of out.pieces) expect(p).not.toContain("t".repeat(40));
  });

  it("still releases text early with a RegExp on the deny-list", () => {
    const f = new OutputFilter({ pii: [], denyList: [/bad+/g] });
    const text = "word ".repeat(30);
    expect(f.push(text).text).toBe(text.slice(0, text.length - 64));
  });

  it("releases a match that ends right at the hold-back point, filtered", () => {
    const f = new OutputFilter({ pii: [], canaries: ["kc-42"] });
    // Hold-back: 64 characters plus the canary's length − 1.
    const piece = f.push(`${"a ".repeat(10)}kc-42${" b".repeat(34)}`);
    expect(piece.text).toBe(`${"a ".repeat(10)}[removed]`);
    expect(piece.findings).toEqual([{ kind: "canary", id: "canary" }]);
  });

  it("holds back the usual tail even when a match sits at its very end", () => {
    const f = new OutputFilter({ pii: [], canaries: ["kc-42"] });
    const text = `${"a ".repeat(60)}kc-42`;
    expect(f.push(text).text).toBe(text.slice(0, text.length - 68));
  });

  it("leaves any run of sentence punctuation after a removed link", () => {
    const f = new OutputFilter({ pii: [], allowLinks: ["example.com", "docs.org"] });
    expect(f.filter("see https://evil.test/x?!. and https://docs.org/a").text).toBe(
      "see [link removed]?!. and https://docs.org/a",
    );
  });

  it("releases a match that is complete, without waiting for the end", () => {
    const f = new OutputFilter({ pii: [], canaries: ["kc-42"] });
    const piece = f.push(`leak kc-42 ${"x ".repeat(80)}`);
    expect(piece.text.startsWith("leak [removed] ")).toBe(true);
    expect(piece.findings).toEqual([{ kind: "canary", id: "canary" }]);
  });

  it("does not cut through a match that straddles the hold-back point", () => {
    const f = new OutputFilter({ pii: [], denyList: ["needle"] });
    // The hold-back point falls inside "needle".
    const text = `${"a".repeat(11)} needle ${"b ".repeat(32)}`;
    const piece = f.push(text);
    expect(piece.text).toBe(`${"a".repeat(11)} `);
    expect(f.flush().text).toBe(`[removed] ${"b ".repeat(32)}`);
  });

  it("waits on an email that may still grow: ana@example.co may become ana@example.co.uk", () => {
    const f = new OutputFilter({ pii: ["EMAIL"] });
    const lead = "c ".repeat(50);
    const out = stream(f, [`${lead}ana@example.co`, ".uk and more text to come here"]);
    expect(out.text).toBe(`${lead}[redacted:EMAIL] and more text to come here`);
    expect(out.findings).toEqual([{ kind: "pii", id: "EMAIL" }]);
    for (const p of out.pieces) expect(p).not.toContain("ana@");
  });
});

describe("checkOutputSchema", () => {
  const schema = {
    safeParse: (v: unknown) => ({ success: typeof v === "object" && v !== null && "city" in v }),
  };

  it("passes JSON the schema accepts, also inside a ```json fence", () => {
    expect(checkOutputSchema(' {"city": "Lyon"} ', schema)).toBeUndefined();
    expect(checkOutputSchema('```json\n{"city": "Lyon"}\n```', schema)).toBeUndefined();
    expect(checkOutputSchema('```\n{"city": "Lyon"}\n```', schema)).toBeUndefined();
  });

  it("strips a fence with or without a line break, around whitespace, and only at the ends", () => {
    const exact = { safeParse: (v: unknown) => ({ success: (v as { code?: string })?.code === "x```" }) };
    expect(checkOutputSchema('```json{"code": "x```"}```', exact)).toBeUndefined();
    expect(checkOutputSchema('\n  ```json\n{"code": "x```"}\n```  \n', exact)).toBeUndefined();
    expect(checkOutputSchema('{"code": "x```"}', exact)).toBeUndefined();
  });

  it("reports text that is no JSON, and JSON the schema refuses", () => {
    expect(checkOutputSchema("Lyon", schema)).toEqual({ kind: "schema", id: "not-json" });
    expect(checkOutputSchema('{"town": "Lyon"}', schema)).toEqual({ kind: "schema", id: "schema-mismatch" });
  });
});
