/**
 * End to end through the real `@anthropic-ai/sdk`: messages.batches.create / retrieve (polls) /
 * results (JSONL, in no particular order) / cancel against the test server's Message Batches emulation.
 */
import {
  AbortedError,
  InvalidRequestError,
  type ModelRequest,
  type ModelResponse,
  OverloadedError,
  TimeoutError,
} from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropic } from "../anthropic/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";
import { anthropicBatch, type BatchProgress } from "./index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => server.waitForIdle());

const MODEL = "claude-sonnet-4-6";
const settings = () => ({
  baseURL: server.anthropicBaseURL,
  apiKey: "test",
  headers: { connection: "close" },
});
const fast = { pollIntervalMs: 1, maxPollIntervalMs: 2 };
const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});

function comparable(response: ModelResponse | undefined) {
  const { timings: _t, requestId: _r, raw: _raw, ...rest } = response!;
  return rest;
}

describe("anthropicBatch", () => {
  it("maps requests as anthropic() does and results exactly as live answers, matched by custom_id", async () => {
    const requests = [
      { id: "greet", request: ask("hello", { maxOutputTokens: 50, stop: ["END"] }) },
      {
        id: "tool",
        request: ask("weather?", {
          tools: [
            { name: "weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } },
          ],
        }),
      },
      { id: "third", request: ask("more") },
    ];
    const scripts = {
      greet: { text: "Hi there", usage: { input: 5, output: 2 } },
      tool: {
        text: "Checking.",
        toolCalls: [{ id: "toolu_1", name: "weather", arguments: { city: "Oslo" } }],
      },
      third: { text: "Third", usage: { input: 3, output: 1 } },
    };
    server.batches.enqueue({ pollsBeforeEnd: 1, items: scripts });
    const batch = anthropicBatch(MODEL, settings());
    const handle = await batch.submitBatch(requests);
    expect(handle).toMatchObject({ provider: "anthropic", model: MODEL, ids: ["greet", "tool", "third"] });
    const seen: BatchProgress[] = [];
    const results = await batch.waitForBatch(handle, { ...fast, onPoll: (p) => seen.push(p) });
    const create = server.requests[0]!;
    expect(create.path).toBe("/v1/messages/batches");
    expect(seen.map((p) => p.status)).toEqual(["in_progress", "ended"]);
    // Two polls, plus the retrieve the SDK's results() makes to find results_url.
    expect(server.batches.polls(handle.batchId)).toBe(3);

    server.reset();
    server.enqueue(scripts.greet, scripts.tool, scripts.third);
    const live = anthropic(MODEL, settings());
    const liveResponses: ModelResponse[] = [];
    for (const { request } of requests) liveResponses.push(await live.generate(request));
    // Each batch entry's params are the body the live call sent.
    expect(create.body).toEqual({
      requests: requests.map(({ id }, index) => ({ custom_id: id, params: server.requests[index]!.body })),
    });

    // The emulator writes results in reverse order: they come back in input order all the same.
    expect(results.map((r) => r.id)).toEqual(["greet", "tool", "third"]);
    for (const [index, result] of results.entries())
      expect(comparable(result.response)).toEqual(comparable(liveResponses[index]));
    expect(results[1]!.response).toMatchObject({
      text: "Checking.",
      finishReason: "tool-calls",
      toolCalls: [{ type: "tool-call", id: "toolu_1", name: "weather", arguments: { city: "Oslo" } }],
    });
    expect(results[0]!.response!.requestId).toMatch(/^msg_/);
  });

  it("errored, canceled and expired results become typed KeelErrors", async () => {
    server.batches.enqueue({
      items: {
        ok: { text: "fine" },
        bad: { error: { status: 400, message: "max_tokens: must be at most 64000" } },
        busy: { error: { status: 529, message: "Overloaded" } },
        stopped: { canceled: true },
        late: { expired: true },
      },
    });
    const batch = anthropicBatch(MODEL, settings());
    const ids = ["ok", "bad", "busy", "stopped", "late"];
    const results = await batch.waitForBatch(
      await batch.submitBatch(ids.map((id) => ({ id, request: ask(id) }))),
      fast,
    );
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results[0]!.response!.text).toBe("fine");
    expect(results[1]!.error).toBeInstanceOf(InvalidRequestError);
    expect(results[1]!.error!.message).toMatch(/invalid_request_error.*max_tokens: must be at most 64000/);
    expect(results[2]!.error).toBeInstanceOf(OverloadedError);
    expect(results[3]!.error).toBeInstanceOf(AbortedError);
    expect(results[4]!.error).toBeInstanceOf(TimeoutError);
    expect(results.slice(1).every((r) => r.response === undefined && r.error?.provider === "anthropic")).toBe(
      true,
    );
  });

  it("an expired batch, and a batch cancelled while running", async () => {
    server.batches.enqueue({ outcome: "expired", items: { a: { text: "in time" } } }, { pollsBeforeEnd: 1 });
    const batch = anthropicBatch(MODEL, settings());
    const expired = await batch.waitForBatch(
      await batch.submitBatch(["a", "b"].map((id) => ({ id, request: ask(id) }))),
      fast,
    );
    expect(expired[0]!.response!.text).toBe("in time");
    expect(expired[1]!.error).toBeInstanceOf(TimeoutError);

    const handle = await batch.submitBatch(["c", "d"].map((id) => ({ id, request: ask(id) })));
    await batch.cancelBatch(handle);
    const seen: BatchProgress[] = [];
    const cancelled = await batch.waitForBatch(handle, { ...fast, onPoll: (p) => seen.push(p) });
    expect(seen.map((p) => p.status)).toEqual(["canceling", "ended"]);
    expect(cancelled.map((r) => r.error?.code)).toEqual(["aborted", "aborted"]);
  });

  it("polls with backoff until processing_status is ended, and abort stops the wait", async () => {
    server.batches.enqueue({ pollsBeforeEnd: 3 }, { pollsBeforeEnd: 1_000 });
    const batch = anthropicBatch(MODEL, settings());
    const handle = await batch.submitBatch([{ id: "a", request: ask("a") }]);
    const seen: BatchProgress[] = [];
    await batch.waitForBatch(handle, { pollIntervalMs: 2, backoffFactor: 1.5, onPoll: (p) => seen.push(p) });
    expect(seen.map((p) => [p.status, p.nextPollMs])).toEqual([
      ["in_progress", 2],
      ["in_progress", 3],
      ["in_progress", 4.5],
      ["ended", undefined],
    ]);
    expect(server.batches.polls(handle.batchId)).toBe(5); // 4 polls + the retrieve inside results()

    const stuck = await batch.submitBatch([{ id: "b", request: ask("b") }]);
    const controller = new AbortController();
    const waiting = batch.waitForBatch(stuck, {
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onPoll: () => controller.abort(),
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(server.batches.polls(stuck.batchId)).toBe(1);
  });

  it("checks ids against Anthropic's custom_id rule before sending", async () => {
    const batch = anthropicBatch(MODEL, settings());
    await expect(batch.submitBatch([{ id: "has space", request: ask("x") }])).rejects.toThrow(
      /id "has space" is not allowed: Anthropic takes 1-64 letters, digits/,
    );
    await expect(batch.submitBatch([{ id: "s", request: ask("x", { seed: 1 }) }])).rejects.toThrow(
      /batch request "s": .*seed/,
    );
    expect(server.requests).toHaveLength(0);
  });
});
