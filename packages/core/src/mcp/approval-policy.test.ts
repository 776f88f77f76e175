import { describe, expect, it } from "vitest";
import { needsApproval } from "./approval-policy.js";

describe("MCP approval policy", () => {
  it("asks for approval by policy and by the server's hints", () => {
    const tool = (annotations?: object) => ({
      name: "t",
      inputSchema: { type: "object" as const },
      ...(annotations ? { annotations } : {}),
    });
    expect(needsApproval(tool({ destructiveHint: true }), "destructive")).toBe(true);
    expect(needsApproval(tool(), "destructive")).toBe(false);
    expect(needsApproval(tool(), "unless-read-only")).toBe(true);
    expect(needsApproval(tool({ readOnlyHint: true }), "unless-read-only")).toBe(false);
    expect(needsApproval(tool({ readOnlyHint: true }), "always")).toBe(true);
    expect(needsApproval(tool({ destructiveHint: true }), "never")).toBe(false);
    expect(needsApproval(tool(), (t) => t.name === "t")).toBe(true);
  });
});
