import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { parseCsvDataset, parseDataset, parseJsonlDataset } from "./dataset.js";

describe("datasets", () => {
  it("reads JSON lines with every optional field", () => {
    const cases = parseJsonlDataset(
      [
        '{"id":"a","input":"2+2?","expected":"4","tags":{"suite":"math"}}',
        "",
        '{"id":7,"input":[{"role":"user","content":"hi"}],"expected":["hello","hi"],"context":["greeting"],"humanLabel":"pass"}',
      ].join("\n"),
    );
    expect(cases).toEqual([
      { id: "a", input: "2+2?", expected: "4", tags: { suite: "math" } },
      {
        id: "7",
        input: [{ role: "user", content: "hi" }],
        expected: ["hello", "hi"],
        context: ["greeting"],
        humanLabel: "pass",
      },
    ]);
  });

  it("names the line of a malformed case", () => {
    expect(() => parseJsonlDataset('{"id":"a","input":"x"}\n{"id":"b"}', "cases.jsonl")).toThrow(
      /cases.jsonl:2: "input" must be a string/,
    );
    expect(() => parseJsonlDataset('{"id":"a","input":"x"}\n{"id":"a","input":"y"}', "d")).toThrow(
      /d:2: case id "a" already used on line 1/,
    );
    expect(() => parseJsonlDataset("{oops", "d")).toThrow(EvalInputError);
  });

  it("reads CSV with JSON-list cells and tag columns", () => {
    const csv =
      'id,input,expected,context,tag.suite\nq1,"Capital of France?","[""Paris"",""paris""]",Paris is in France.,geo\nq2,"Say ""hi""",hi,,\n';
    expect(parseDataset(csv, "d.csv")).toEqual([
      {
        id: "q1",
        input: "Capital of France?",
        expected: ["Paris", "paris"],
        context: ["Paris is in France."],
        tags: { suite: "geo" },
      },
      { id: "q2", input: 'Say "hi"', expected: "hi" },
    ]);
    expect(() => parseCsvDataset("id,question\n1,x\n", "d.csv")).toThrow(/no "input" column/);
    expect(() => parseCsvDataset('id,input,expected\n1,x,"[oops"\n', "d.csv")).toThrow(
      /d.csv:2: column "expected"/,
    );
    expect(() => parseCsvDataset("id,input\n1,x,extra\n", "d.csv")).toThrow(EvalInputError);
  });
});
