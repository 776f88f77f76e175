import { describe, expect, it } from "vitest";
import { ToolCallAssembler } from "./tool-call-assembler.js";

describe("ToolCallAssembler", () => {
  it("joins fragments by index when later fragments carry no id (OpenAI)", () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, id: "call_a", name: "f", arguments: "" });
    a.add({ index: 0, arguments: '{"x"' });
    a.add({ index: 1, id: "call_b", name: "g", arguments: "{}" });
    a.add({ index: 0, arguments: ":1}" });
    expect(a.calls.map(({ id, name, arguments: args, ordinal }) => ({ id, name, args, ordinal }))).toEqual([
      { id: "call_a", name: "f", args: '{"x":1}', ordinal: 0 },
      { id: "call_b", name: "g", args: "{}", ordinal: 1 },
    ]);
  });

  it("starts a new call when a new id reuses an index already taken", () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, id: "call_a", name: "f", arguments: "{}" });
    a.add({ index: 0, id: "call_b", name: "g", arguments: '{"y":2}' });
    expect(a.calls.map((c) => [c.id, c.name, c.arguments, c.ordinal])).toEqual([
      ["call_a", "f", "{}", 0],
      ["call_b", "g", '{"y":2}', 1],
    ]);
  });

  it("joins a fragment that repeats its id on every chunk (TGI)", () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, id: "0", name: "f", arguments: '{"a"' });
    a.add({ index: 0, id: "0", arguments: ":1}" });
    expect(a.calls).toHaveLength(1);
    expect(a.calls[0]!.arguments).toBe('{"a":1}');
  });

  it("keeps the first name when later fragments repeat it", () => {
    const a = new ToolCallAssembler();
    a.add({ index: 0, id: "c", name: "lookup" });
    a.add({ index: 0, name: "lookup", arguments: "{}" });
    expect(a.calls[0]!.name).toBe("lookup");
  });
});
