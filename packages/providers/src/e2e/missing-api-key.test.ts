import { AuthenticationError, type Model } from "@keel/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { anthropic } from "../anthropic/index.js";
import { google, googleEmbedding } from "../google/index.js";
import { openai, openaiResponses } from "../openai/index.js";
import { groq } from "../openai-compatible/index.js";
import { startTestServer, type TestServer } from "../testing/index.js";

// A missing API key is the same failure for every provider: declaring the model works (a service
// may declare a fallback whose key is not set), and each call fails with an AuthenticationError
// naming the environment variable to set, before any request is sent.
const KEY_VARIABLES = [
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "GOOGLE_GENERATIVE_AI_API_KEY",
  "GEMINI_API_KEY",
  "GROQ_API_KEY",
];
let server: TestServer;
const saved = new Map<string, string | undefined>();
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  for (const name of KEY_VARIABLES) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
});
afterEach(() => {
  for (const [name, value] of saved)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

const MODELS: Array<[string, () => Model, string]> = [
  ["openai", () => openai("gpt-4o", { baseURL: server.openaiBaseURL }), "OPENAI_API_KEY"],
  ["openai responses", () => openaiResponses("gpt-4o", { baseURL: server.openaiBaseURL }), "OPENAI_API_KEY"],
  [
    "anthropic",
    () => anthropic("claude-haiku-4-5", { baseURL: server.anthropicBaseURL }),
    "ANTHROPIC_API_KEY",
  ],
  ["google", () => google("gemini-2.5-flash", { baseUrl: server.geminiBaseURL }), "GEMINI_API_KEY"],
  [
    "groq (openai-compatible)",
    () => groq("llama-3.3-70b", { baseURL: server.openaiBaseURL }),
    "GROQ_API_KEY",
  ],
];
const request = { messages: [{ role: "user" as const, content: "hi" }] };

describe.each(MODELS)("%s without a key", (_, make, variable) => {
  it(`declares fine, then fails each call with AuthenticationError naming ${variable}`, async () => {
    const model = make();
    for (const call of [() => model.generate(request), () => model.stream(request).response]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).provider).toBe(model.provider);
      expect((error as Error).message).toContain(variable);
      expect((error as AuthenticationError).retryable).toBe(false);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("picks up a key set after the model was declared", async () => {
    const model = make();
    process.env[variable] = "test";
    expect((await model.generate(request)).text).toBe("ok");
  });
});

it("google embeddings: declared without a key, each call fails with AuthenticationError", async () => {
  const embedder = googleEmbedding("text-embedding-004", { baseUrl: server.geminiBaseURL });
  await expect(embedder.embed(["a"])).rejects.toThrow(AuthenticationError);
  await expect(embedder.embed(["a"])).rejects.toThrow("GEMINI_API_KEY");
  expect(server.requests).toHaveLength(0);
});
