import { type KeelEvent, onEvent } from "@keel/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { modelOn, PROTOCOLS } from "./harness.js";

// Every adapter reports each request as one observed call on the global hub (issue 6 wiring).
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

it.each(PROTOCOLS)("%s emits model.call.started and model.call.finished with usage", async (protocol) => {
  const seen: KeelEvent[] = [];
  const stop = onEvent((event) => {
    if (event.type.startsWith("model.call.")) seen.push(event);
  });
  try {
    server.enqueue({ text: "observed answer", usage: { input: 5, output: 2 } });
    const model = modelOn(server, protocol, "observed-model");
    await model.generate({ messages: [{ role: "user", content: "hi" }] }, { context: { runId: "r1" } });
  } finally {
    stop();
  }
  expect(seen.map((e) => e.type)).toEqual(["model.call.started", "model.call.finished"]);
  const finished = seen[1] as Extract<KeelEvent, { type: "model.call.finished" }>;
  expect(finished.usage.outputTokens).toBe(2);
  expect(finished.context?.runId).toBe("r1");
});
