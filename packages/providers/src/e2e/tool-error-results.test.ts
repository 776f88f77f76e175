import { jsonSchemaInput } from "@keel/core/mcp";
import { runTools, tool } from "@keel/core/tools";
import { OpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { openai, openaiResponses } from "../openai/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";

// A tool that fails reaches OpenAI as one `Error: ...` line: core's tool loop writes error results
// that way, and the adapter, which marks error results in the text for lack of an error flag,
// must not mark them a second time.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const lookup = tool({
  name: "lookup",
  input: jsonSchemaInput({ type: "object", properties: { key: { type: "string" } }, required: ["key"] }),
  execute: (input) => {
    throw new Error(`no entry ${(input as { key: string }).key}`);
  },
});

it.each([
  ["chat", (client: OpenAI) => openai("gpt-4o", { client })],
  ["responses", (client: OpenAI) => openaiResponses("gpt-4o", { client })],
] as const)("openai %s: a failed tool goes back as `Error: <message>`, prefixed once", async (_, make) => {
  server.enqueue(
    { text: "", toolCalls: [{ id: "call_1", name: "lookup", arguments: { key: "k9" } }] },
    { text: "There is no k9." },
  );
  const client = new OpenAI({ baseURL: server.openaiBaseURL, apiKey: "test", maxRetries: 0 });
  const result = await runTools(make(client), { tools: [lookup], prompt: "Look up k9." });
  expect(result.text).toBe("There is no k9.");
  const body = server.requests[1]!.body;
  const sent =
    body.messages?.find((m: { role: string }) => m.role === "tool")?.content ??
    body.input?.find((i: { type?: string }) => i.type === "function_call_output")?.output;
  expect(sent).toBe("Error: no entry k9");
});
