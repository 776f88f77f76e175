import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { InvalidRequestError, isKeelError, ProviderUnavailableError, TimeoutError } from "../errors.js";
import { McpToolError, toMcpKeelError } from "./mcp-errors.js";

describe("MCP errors", () => {
  it("maps JSON-RPC errors to Keel's typed errors", () => {
    const closed = toMcpKeelError(new McpError(ErrorCode.ConnectionClosed, "Connection closed"), "s", "call");
    expect(closed).toBeInstanceOf(ProviderUnavailableError);
    expect(closed).toMatchObject({ retryable: true, provider: "mcp:s", body: { code: -32000 } });
    expect(toMcpKeelError(new McpError(ErrorCode.RequestTimeout, "t"), "s", "call")).toBeInstanceOf(
      TimeoutError,
    );
    expect(toMcpKeelError(new McpError(ErrorCode.InvalidParams, "bad"), "s", "call")).toBeInstanceOf(
      InvalidRequestError,
    );
    const internal = toMcpKeelError(new McpError(ErrorCode.InternalError, "boom"), "s", "call");
    expect(internal).toMatchObject({ code: "provider-unavailable", retryable: false });
    expect(toMcpKeelError(new Error("ECONNREFUSED"), "s", "call")).toMatchObject({ retryable: true });
  });

  it("has its own class for a tool that reported failure", () => {
    const error = new McpToolError("disk full", [{ type: "text", text: "disk full" }]);
    expect(isKeelError(error)).toBe(true);
    expect(error).toMatchObject({ code: "mcp-tool", name: "McpToolError", retryable: false });
    expect(new InvalidRequestError("x")).not.toBeInstanceOf(McpToolError);
  });
});
