import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { keelToolName, keelToolNames } from "./tool-name.js";

describe("Keel names for MCP tools", () => {
  it("replaces characters providers reject, prefixes and cuts to 64", () => {
    expect(keelToolName("files/read.v2")).toBe("files_read_v2");
    expect(keelToolName("search", "gh")).toBe("gh_search");
    expect(keelToolName("x".repeat(80))).toHaveLength(64);
  });

  it("refuses two tools that would share a Keel name", () => {
    expect(() => keelToolNames(["a.b", "a/b"])).toThrow(InvalidRequestError);
    expect(() => keelToolNames(["a.b", "a/b"])).toThrow(
      /"a.b" and "a\/b" both map to the Keel tool name "a_b"/,
    );
    expect([...keelToolNames(["a.b", "c"], "p").values()]).toEqual(["p_a_b", "p_c"]);
  });
});
