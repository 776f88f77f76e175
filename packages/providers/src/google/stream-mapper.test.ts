import { readFileSync } from "node:fs";
import {
  ContentFilteredError,
  type ModelResponse,
  NetworkError,
  OutputParseError,
  type StreamEvent,
} from "@keel/core";
import { ResponseAccumulator } from "@keel/core/provider";
import { describe, expect, it } from "vitest";
import { GeminiResponseMapper } from "./stream-mapper.js";
import type { GeminiResponse } from "./wire-types.js";

const FIXTURES = new URL("../../../../../shared/fixtures/wire/gemini/", import.meta.url);
const chunksOf = (name: string): GeminiResponse[] =>
  readFileSync(new URL(name, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

function run(chunks: GeminiResponse[], stream = true): { events: StreamEvent[]; response: ModelResponse } {
  const mapper = new GeminiResponseMapper();
  const acc = new ResponseAccumulator("google", "m");
  const events = [...chunks.flatMap((c) => mapper.map(c)), ...mapper.end({ stream })];
  for (const e of events) acc.add(e);
  return { events, response: mapper.finalize(acc.finish()) };
}

const text = (t: string, extra: object = {}): GeminiResponse => ({
  candidates: [{ content: { role: "model", parts: [{ text: t, ...extra }] } }],
});
const done: GeminiResponse = { candidates: [{ content: { parts: [{ text: "" }] }, finishReason: "STOP" }] };

describe("GeminiResponseMapper", () => {
  it("assembles streamed partialArgs calls (stream-function-call-args.chunks.jsonl) into two whole calls", () => {
    const { events, response } = run(chunksOf("stream-function-call-args.chunks.jsonl"));
    const id0 = "gemini-dqHOab6xGLzWodAPkPuViA4-0";
    const id1 = "gemini-dqHOab6xGLzWodAPkPuViA4-1";
    expect(events.filter((e) => e.type.startsWith("tool-call"))).toEqual([
      { type: "tool-call-delta", index: 0, id: id0, name: "getWeather", argumentsDelta: "" },
      {
        type: "tool-call",
        call: {
          type: "tool-call",
          id: id0,
          name: "getWeather",
          arguments: { location: "Boston" },
          providerMetadata: { google: { thoughtSignature: expect.stringMatching(/^CiMBjz1rX25K/) } },
        },
      },
      { type: "tool-call-delta", index: 1, id: id1, name: "getWeather", argumentsDelta: "" },
      {
        type: "tool-call",
        call: { type: "tool-call", id: id1, name: "getWeather", arguments: { location: "San Francisco" } },
      },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("STOP");
    expect(response.usage).toEqual({
      inputTokens: 26,
      outputTokens: 23 + 132,
      totalTokens: 181,
      reasoningTokens: 132,
    });
    expect(response.model.served).toBe("gemini-3.1-pro-preview");
  });

  it("puts text and reasoning signatures on the part they belong to", () => {
    const { response } = run([
      { candidates: [{ content: { parts: [{ text: "think 1", thought: true }] } }] },
      { candidates: [{ content: { parts: [{ text: " think 2", thought: true, thoughtSignature: "R" }] } }] },
      text("Hello"),
      { candidates: [{ content: { parts: [{ functionCall: { name: "f", args: {} } }] } }] },
      text("after", { thoughtSignature: "T2" }),
      done,
    ]);
    expect(response.content).toEqual([
      { type: "reasoning", text: "think 1 think 2", providerMetadata: { google: { thoughtSignature: "R" } } },
      { type: "text", text: "Hello" },
      { type: "tool-call", id: expect.stringMatching(/^gemini-[0-9a-f]{8}-0$/), name: "f", arguments: {} },
      { type: "text", text: "after", providerMetadata: { google: { thoughtSignature: "T2" } } },
    ]);
  });

  it("keeps an empty signed text part but drops empty unsigned ones", () => {
    const { response } = run([text("", { thoughtSignature: "S" }), done]);
    expect(response.content).toEqual([
      { type: "text", text: "", providerMetadata: { google: { thoughtSignature: "S" } } },
    ]);
    expect(run([text("a"), done]).response.content).toEqual([{ type: "text", text: "a" }]);
  });

  it("throws ContentFilteredError for a blocked prompt", () => {
    const mapper = new GeminiResponseMapper();
    expect(() =>
      mapper.map({ promptFeedback: { blockReason: "SAFETY", blockReasonMessage: "nope" } }),
    ).toThrow(ContentFilteredError);
  });

  it("treats a stream without a finishReason as cut short, but not a whole response", () => {
    expect(() => run([text("partial")], true)).toThrow(NetworkError);
    expect(run([text("whole")], false).response.finishReason).toBe("other");
  });

  it("rejects argument fragments with no call to attach them to", () => {
    const orphan: GeminiResponse = {
      candidates: [
        { content: { parts: [{ functionCall: { partialArgs: [{ jsonPath: "$.a", stringValue: "x" }] } }] } },
      ],
    };
    expect(() => new GeminiResponseMapper().map(orphan)).toThrow(OutputParseError);
  });

  it("sets a refusal for safety stops and error for malformed calls", () => {
    const stop = (finishReason: string, finishMessage?: string): GeminiResponse => ({
      candidates: [
        { content: { parts: [{ text: "x" }] }, finishReason, ...(finishMessage ? { finishMessage } : {}) },
      ],
    });
    expect(run([stop("SPII")]).response).toMatchObject({
      finishReason: "content-filter",
      refusal: "Gemini stopped the answer (SPII)",
    });
    expect(run([stop("RECITATION", "recited")]).response.refusal).toBe("recited");
    expect(run([stop("MALFORMED_FUNCTION_CALL")]).response.finishReason).toBe("error");
    expect(run([stop("MAX_TOKENS")]).response.finishReason).toBe("length");
  });

  it("renders code execution parts as fenced text", () => {
    const { response } = run([
      {
        candidates: [
          {
            content: {
              parts: [
                { executableCode: { language: "PYTHON", code: "print(1)" } },
                { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1" } },
              ],
            },
            finishReason: "STOP",
          },
        ],
      },
    ]);
    expect(response.text).toBe("\n```PYTHON\nprint(1)\n```\n\n```\n1\n```\n");
  });
});
