/**
 * A Keel tool loop over MCP, end to end: the real `openai` SDK (through `openai()`) talks to the
 * wire test server, which scripts the model's tool calls; `runTools` runs them as tools of a
 * real MCP server (the official SDK's Streamable HTTP transport on loopback, serving Keel tools)
 * through `McpClient`; the tool results go back to the model in the next request.
 */

import { jsonSchemaInput, McpClient, mcpToolServer } from "@keel/core/mcp";
import { type McpHttpEndpoint, serveHttp } from "@keel/core/mcp/node";
import { runTools, tool } from "@keel/core/tools";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { expectNoOpenSockets, modelOn } from "./harness.js";

const ORDERS: Record<string, string> = { "A-17": "shipped", "B-2": "processing" };
const cancelled: string[] = [];

const orderStatus = tool({
  name: "order_status",
  description: "The status of an order.",
  input: jsonSchemaInput({
    type: "object",
    properties: { orderId: { type: "string", pattern: "^[A-Z]-\\d+$" } },
    required: ["orderId"],
    additionalProperties: false,
  }),
  execute: (input) => {
    const { orderId } = input as { orderId: string };
    const status = ORDERS[orderId];
    if (!status) throw new Error(`no order ${orderId}`);
    return { orderId, status };
  },
});
const cancelOrder = tool({
  name: "cancel_order",
  description: "Cancels an order.",
  input: jsonSchemaInput({
    type: "object",
    properties: { orderId: { type: "string" } },
    required: ["orderId"],
  }),
  needsApproval: true,
  execute: (input) => {
    cancelled.push((input as { orderId: string }).orderId);
    return "cancelled";
  },
});

let wire: TestServer;
let endpoint: McpHttpEndpoint;
let mcp: McpClient;

beforeAll(async () => {
  wire = await startTestServer();
  endpoint = await serveHttp(mcpToolServer({ name: "orders", tools: [orderStatus, cancelOrder] }));
  mcp = new McpClient({
    name: "orders",
    server: { transport: "http", url: endpoint.url },
    toolPrefix: "orders",
    isolate: (text, origin) => (origin.kind === "tool-result" ? `<tool-output>${text}</tool-output>` : text),
  });
});
beforeEach(() => wire.reset());
afterEach(async () => {
  await expectNoOpenSockets(wire);
});
afterAll(async () => {
  await mcp?.close();
  await endpoint?.close();
  await wire?.close();
});

describe("a Keel tool loop over OpenAI calling MCP tools", () => {
  it("sends the MCP tool to the model, runs the model's call on the MCP server and returns the result", async () => {
    wire.enqueue(
      {
        text: "",
        toolCalls: [{ id: "call_1", name: "orders_order_status", arguments: { orderId: "A-17" } }],
      },
      { text: "Order A-17 has shipped." },
    );
    const result = await runTools(modelOn(wire, "openai", "gpt-4.1-mini"), {
      tools: await mcp.tools(),
      prompt: "Where is order A-17?",
    });

    expect(result.text).toBe("Order A-17 has shipped.");
    expect(result.stopReason).toBe("done");
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ outcome: "ok", input: { orderId: "A-17" } });

    const [first, second] = wire.requests.map((r) => r.body);
    // The model was offered the MCP server's tool with the server's JSON Schema.
    expect(first.tools).toEqual([
      {
        type: "function",
        function: expect.objectContaining({
          name: "orders_order_status",
          description: "The status of an order.",
          parameters: expect.objectContaining({
            properties: { orderId: { type: "string", pattern: "^[A-Z]-\\d+$" } },
            required: ["orderId"],
          }),
        }),
      },
      expect.objectContaining({ function: expect.objectContaining({ name: "orders_cancel_order" }) }),
    ]);
    // The MCP tool's result, isolated, went back to the model on the wire.
    const toolTurn = second.messages.find((m: { role: string }) => m.role === "tool");
    expect(toolTurn).toEqual({
      role: "tool",
      tool_call_id: "call_1",
      content: '<tool-output>{"orderId":"A-17","status":"shipped"}</tool-output>',
    });
  });

  it("feeds MCP tool errors and invalid arguments back to the model, and holds destructive tools for approval", async () => {
    wire.enqueue(
      {
        text: "",
        toolCalls: [
          { id: "c1", name: "orders_order_status", arguments: { orderId: "Z-9" } },
          { id: "c2", name: "orders_order_status", arguments: { orderId: "lowercase" } },
          { id: "c3", name: "orders_cancel_order", arguments: { orderId: "B-2" } },
        ],
      },
      { text: "I could not do that." },
    );
    const result = await runTools(modelOn(wire, "openai", "gpt-4.1-mini"), {
      tools: await mcp.tools(),
      prompt: "Cancel B-2 and check Z-9.",
    });
    expect(result.steps[0]!.toolCalls.map((c) => c.outcome)).toEqual([
      "error",
      "invalid-arguments",
      "denied",
    ]);
    expect(cancelled).toEqual([]);
    const tools = wire.requests[1]!.body.messages.filter((m: { role: string }) => m.role === "tool");
    // Each is marked as an error in the text (OpenAI has no error flag on tool results).
    expect(tools.map((m: { content: string }) => m.content)).toEqual([
      expect.stringMatching(/^Error: .*<tool-output>no order Z-9<\/tool-output>$/),
      expect.stringMatching(
        /^Error: .*Invalid arguments for tool "orders_order_status":[\s\S]*must match pattern/,
      ),
      expect.stringMatching(/^Error: .*the call was denied: this tool needs approval/),
    ]);

    wire.enqueue(
      { text: "", toolCalls: [{ id: "c4", name: "orders_cancel_order", arguments: { orderId: "B-2" } }] },
      { text: "Cancelled." },
    );
    const approved = await runTools(modelOn(wire, "openai", "gpt-4.1-mini"), {
      tools: await mcp.tools(),
      prompt: "Cancel B-2.",
      approve: ({ tool: t }) => t.name === "orders_cancel_order",
    });
    expect(approved.text).toBe("Cancelled.");
    expect(cancelled).toEqual(["B-2"]);
  });
});
