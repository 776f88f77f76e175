// Runs the real stories260K model (../shared/models, see its README) through node-llama-cpp on
// one thread. The model writes children's stories and follows no instructions, so chat answers
// are checked for structure and determinism; raw completion is checked against its known text.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AbortedError,
  ContextLengthExceededError,
  InvalidRequestError,
  type Message,
  type ModelRequest,
  ProviderUnavailableError,
  type StreamEvent,
  TimeoutError,
} from "@keel/core";
import {
  type ChatHistoryItem,
  ChatWrapper,
  type ChatWrapperGeneratedContextState,
  type ChatWrapperSettings,
  LlamaText,
  SpecialToken,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LlamaCppModel, llamaCpp, llamaCppEmbedding } from "./index.js";
import { importNodeLlamaCpp } from "./load-node-llama-cpp.js";

const MODEL_FILE = "stories260K.gguf";

/** KEEL_MODELS_DIR, else the first `shared/models` found walking up from this file. */
function findModel(): string | undefined {
  const fromEnv = process.env.KEEL_MODELS_DIR;
  if (fromEnv) return existsSync(join(fromEnv, MODEL_FILE)) ? join(fromEnv, MODEL_FILE) : undefined;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "models", MODEL_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const modelPath = findModel();
// What stories260K writes after "Once upon a time" at temperature 0 (../shared/models/README.md).
const ONCE_UPON_A_TIME =
  ", there was a little girl named Lily. She loved to play outside in the park. One day,";
const base = { threads: 1, gpu: false, logLevel: "error", contextSize: 512 } as const;
const user = (text: string): ModelRequest => ({ messages: [{ role: "user", content: text }] });

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** A template with no markup whose function-call prefix is text the model writes on its own. */
class StoryToolsWrapper extends ChatWrapper {
  readonly wrapperName = "StoryTools";
  override readonly settings: ChatWrapperSettings = {
    ...ChatWrapper.defaultSettings,
    functions: {
      call: { optionalPrefixSpace: true, prefix: ", there was ", paramsPrefix: "(", suffix: ")" },
      result: { prefix: " => ", suffix: "." },
    },
  };

  override generateContextState({ chatHistory }: { chatHistory: readonly ChatHistoryItem[] }) {
    const texts = chatHistory.map((item) =>
      item.type === "model" ? this.generateModelResponseText(item.response) : LlamaText(String(item.text)),
    );
    const state: ChatWrapperGeneratedContextState = {
      contextText: LlamaText([new SpecialToken("BOS"), ...texts]),
      stopGenerationTriggers: [LlamaText(new SpecialToken("EOS"))],
    };
    return state;
  }
}

// CI always has ../shared/models; only a checkout without it skips (and says so in the title).
if (!modelPath && process.env.CI)
  throw new Error(`${MODEL_FILE} not found: CI must run the local-model tests`);
describe.skipIf(!modelPath)(
  `llamaCpp with ${MODEL_FILE}${modelPath ? "" : " (skipped: model file not found)"}`,
  () => {
    let raw: LlamaCppModel;
    let chat: LlamaCppModel;

    beforeAll(async () => {
      raw = llamaCpp({ ...base, modelPath: modelPath!, chatWrapper: "raw" });
      chat = llamaCpp({ ...base, modelPath: modelPath! });
      await Promise.all([raw.load(), chat.load()]);
    });
    afterAll(async () => {
      await raw?.dispose();
      await chat?.dispose();
    });

    it("describes itself and what it loaded", async () => {
      expect(raw).toMatchObject({ provider: "llama-cpp", id: "stories260K" });
      expect(raw.capabilities).toMatchObject({
        streaming: true,
        tools: true,
        jsonSchema: true,
        vision: false,
      });
      // No template in the file: node-llama-cpp picks Llama2Chat because the BOS token is "<s>".
      expect(await chat.load()).toMatchObject({
        chatWrapper: "Llama2Chat",
        contextSize: 512,
        trainContextSize: 2048,
        threads: 1,
        concurrency: 1,
        gpu: false,
      });
      expect((await raw.load()).chatWrapper).toBe("Raw");
    });

    it("tokenizes and detokenizes with the model's tokenizer", async () => {
      expect(await raw.tokenize("Once upon a time")).toEqual([403, 407, 261, 378]);
      expect(await raw.detokenize([403, 407, 261, 378])).toBe("Once upon a time");
      const text = "Lily saw a big red ball.";
      expect(await raw.detokenize(await raw.tokenize(text))).toBe(text);
    });

    it("completes raw text deterministically at temperature 0 and stops at maxOutputTokens", async () => {
      const request = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 };
      const answer = await raw.generate(request);
      expect(answer.text).toBe(ONCE_UPON_A_TIME);
      expect(answer.content).toEqual([{ type: "text", text: ONCE_UPON_A_TIME }]);
      expect(answer).toMatchObject({
        finishReason: "length",
        rawFinishReason: "maxTokens",
        provider: "llama-cpp",
        model: { requested: "stories260K" },
      });
      expect(answer.usage).toEqual({ inputTokens: 7, outputTokens: 30, totalTokens: 37 });
    });

    it("counts usage with the model's tokenizer", async () => {
      const request = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 };
      const { usage, text } = await raw.generate(request);
      // Message text sits inside the template, so it is tokenized as a continuation; plus BOS.
      const promptTokens = await raw.tokenize("Once upon a time", { trimLeadingSpace: true });
      expect(usage.inputTokens).toBe(1 + promptTokens.length);
      expect(usage.inputTokens).toBe(await raw.countTokens(request));
      expect(usage.outputTokens).toBe((await raw.tokenize(text, { trimLeadingSpace: true })).length);

      const chatRequest = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 8 };
      const chatAnswer = await chat.generate(chatRequest);
      // Llama2Chat wraps the text in "[INST] ... [/INST]", so the prompt is longer than the text.
      expect(chatAnswer.usage.inputTokens).toBe(await chat.countTokens(chatRequest));
      expect(chatAnswer.usage.inputTokens).toBeGreaterThan(1 + promptTokens.length);
      expect(chatAnswer.usage.outputTokens).toBe(8);
    });

    it("streams text deltas that add up to the final answer", async () => {
      const request = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 };
      const stream = raw.stream(request);
      const events = await collect(stream);
      const deltas = events.filter((e) => e.type === "text-delta").map((e) => e.text);
      expect(deltas.length).toBeGreaterThan(5);
      expect(deltas.join("")).toBe(ONCE_UPON_A_TIME);
      expect(events.slice(-2).map((e) => e.type)).toEqual(["usage", "finish"]);
      expect((await stream.response).text).toBe(ONCE_UPON_A_TIME);
    });

    it("chats through the model's template: same answer on every run at temperature 0", async () => {
      const messages: Message[] = [
        { role: "system", content: "You tell short stories." },
        { role: "user", content: "Tell me about a cat." },
        { role: "assistant", content: "The cat was happy." },
        { role: "user", content: [{ type: "text", text: "What did the cat do next?" }] },
      ];
      const request = { messages, temperature: 0, maxOutputTokens: 40 };
      const first = await chat.generate(request);
      const second = await chat.generate(request);
      expect(first.text.length).toBeGreaterThan(0);
      expect(second.text).toBe(first.text);
      expect(["stop", "length"]).toContain(first.finishReason);
      expect(first.usage.inputTokens).toBe(await chat.countTokens(request));
      // A different conversation lays out a different prompt.
      expect(await chat.countTokens(user("Tell me about a cat."))).toBeLessThan(first.usage.inputTokens);
    });

    it("samples with a seed: the same seed gives the same text", async () => {
      const request = {
        ...user("Once upon a time"),
        temperature: 0.9,
        topP: 0.9,
        topK: 40,
        seed: 7,
        maxOutputTokens: 40,
      };
      const a = await raw.generate(request);
      const b = await raw.generate(request);
      expect(b.text).toBe(a.text);
      const other = await raw.generate({ ...request, seed: 8 });
      expect(other.text).not.toBe(a.text);
    });

    it("stops at a stop sequence and leaves it out", async () => {
      const answer = await raw.generate({ ...user("Once upon a time"), temperature: 0, stop: ["Lily"] });
      expect(answer.text).toBe(", there was a little girl named ");
      expect(answer).toMatchObject({ finishReason: "stop", rawFinishReason: "customStopTrigger" });
    });

    it("constrains output to a JSON schema", async () => {
      const schema = {
        type: "object",
        properties: {
          name: { type: "string", maxLength: 20 },
          age: { type: "integer" },
          // Without the schema rewrite node-llama-cpp would force `null` here.
          pet: { anyOf: [{ type: "string", maxLength: 10 }, { type: "integer" }] },
        },
        required: ["name", "age", "pet"],
        additionalProperties: false,
      };
      const answer = await chat.generate({
        ...user("Tell me about Lily."),
        temperature: 0,
        responseFormat: { type: "json", schema },
      });
      expect(answer.finishReason).toBe("stop");
      const value = JSON.parse(answer.text);
      expect(Object.keys(value).sort()).toEqual(["age", "name", "pet"]);
      expect(typeof value.name).toBe("string");
      expect(Number.isInteger(value.age)).toBe(true);
      expect(typeof value.pet === "string" || Number.isInteger(value.pet)).toBe(true);

      // Without a schema any JSON goes; this model then writes one endless string, cut at the limit.
      const free = await chat.generate({
        ...user("Lily"),
        temperature: 0,
        maxOutputTokens: 20,
        responseFormat: { type: "json" },
      });
      expect(free.text).toMatch(/^[{["\d-tfn]/);
      expect(
        (await chat.generate({ ...user("Lily"), temperature: 0, maxOutputTokens: 20 })).text,
      ).not.toMatch(/^[{["]/);
    });

    it("aborting mid-stream stops generation with AbortedError and frees the sequence", async () => {
      const controller = new AbortController();
      const stream = raw.stream(
        { ...user("Once upon a time"), temperature: 0.8, seed: 1 },
        { signal: controller.signal },
      );
      const seen: StreamEvent[] = [];
      const run = (async () => {
        for await (const event of stream) {
          seen.push(event);
          if (seen.length === 3) controller.abort();
        }
      })();
      await expect(run).rejects.toBeInstanceOf(AbortedError);
      await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
      // Without the abort it would write up to ~500 tokens; it stopped right after the third.
      expect(seen.filter((e) => e.type === "text-delta").length).toBeLessThan(10);
      expect(seen.some((e) => e.type === "finish")).toBe(false);
      // concurrency is 1: this only runs if the aborted call gave its sequence back.
      expect(
        (await raw.generate({ ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 })).text,
      ).toBe(ONCE_UPON_A_TIME);
    });

    it("fails with TimeoutError once the deadline has passed, and with AbortedError when aborted before", async () => {
      await expect(
        raw.generate(user("Once upon a time"), { deadline: Date.now() - 1 }),
      ).rejects.toBeInstanceOf(TimeoutError);
      await expect(
        raw.generate(user("Once upon a time"), { signal: AbortSignal.abort() }),
      ).rejects.toBeInstanceOf(AbortedError);
    });

    it("queues calls beyond the context's sequences instead of failing", async () => {
      const request = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 };
      const answers = await Promise.all([
        raw.generate(request),
        raw.generate(request),
        raw.generate(request),
      ]);
      expect(answers.map((a) => a.text)).toEqual([ONCE_UPON_A_TIME, ONCE_UPON_A_TIME, ONCE_UPON_A_TIME]);

      // A queued call can leave the line.
      const controller = new AbortController();
      const first = raw.generate({ ...request, maxOutputTokens: 200 });
      const queued = raw.generate(request, { signal: controller.signal });
      controller.abort();
      await expect(queued).rejects.toBeInstanceOf(AbortedError);
      expect((await first).usage.outputTokens).toBe(200);
    });

    it("runs several sequences at once with concurrency > 1", async () => {
      const wide = llamaCpp({ ...base, modelPath: modelPath!, chatWrapper: "raw", concurrency: 2 });
      try {
        const request = { ...user("Once upon a time"), temperature: 0, maxOutputTokens: 30 };
        const answers = await Promise.all([1, 2, 3].map(() => wide.generate(request)));
        for (const answer of answers) expect(answer.usage.outputTokens).toBe(30);
        expect((await wide.load()).concurrency).toBe(2);
      } finally {
        await wide.dispose();
      }
    });

    it("maps a function call the model makes to a tool call, and feeds results back", async () => {
      const tools = llamaCpp({ ...base, modelPath: modelPath!, chatWrapper: new StoryToolsWrapper() });
      try {
        const meet = {
          name: "meet",
          description: "Meet someone",
          inputSchema: {
            type: "object",
            properties: { name: { type: "string", maxLength: 12 } },
            required: ["name"],
          },
        };
        const request: ModelRequest = {
          ...user("Once upon a time"),
          tools: [meet],
          temperature: 0,
          maxOutputTokens: 60,
        };
        const stream = tools.stream(request);
        const events = await collect(stream);
        const answer = await stream.response;
        expect(answer.finishReason).toBe("tool-calls");
        expect(answer.toolCalls).toHaveLength(1);
        const call = answer.toolCalls[0]!;
        expect(call).toMatchObject({ type: "tool-call", name: "meet" });
        expect(typeof (call.arguments as { name: unknown }).name).toBe("string");
        expect(JSON.parse(call.rawArguments!)).toEqual(call.arguments);
        const deltas = events.filter((e) => e.type === "tool-call-delta");
        expect(deltas[0]).toMatchObject({ index: 0, id: call.id, name: "meet" });
        expect(
          deltas
            .map((d) => d.argumentsDelta)
            .join("")
            .trim(),
        ).toBe(call.rawArguments);

        const followUp: ModelRequest = {
          messages: [
            ...request.messages,
            { role: "assistant", content: [call] },
            {
              role: "tool",
              content: [{ type: "tool-result", toolCallId: call.id, name: "meet", result: "a dog" }],
            },
          ],
          tools: [meet],
          temperature: 0,
          maxOutputTokens: 10,
        };
        const next = await tools.generate(followUp);
        expect(next.usage.outputTokens).toBeGreaterThan(0);
        // The prompt now holds the call and its result.
        expect(next.usage.inputTokens).toBe(await tools.countTokens(followUp));
        expect(next.usage.inputTokens).toBeGreaterThan(await tools.countTokens(request));
      } finally {
        await tools.dispose();
      }
    });

    it("rejects what it cannot do with InvalidRequestError", async () => {
      const tool = { name: "t", inputSchema: { type: "object", properties: {} } };
      const cases: ModelRequest[] = [
        { ...user("hi"), tools: [tool], toolChoice: "required" },
        { ...user("hi"), tools: [tool], responseFormat: { type: "json" } },
        { messages: [{ role: "user", content: [{ type: "image", mediaType: "image/png", data: "AAAA" }] }] },
        { ...user("hi"), reasoning: { effort: "low" } },
        { ...user("hi"), maxOutputTokens: 0 },
        { messages: [] },
      ];
      for (const request of cases)
        await expect(raw.generate(request)).rejects.toBeInstanceOf(InvalidRequestError);
    });

    it("fails with ContextLengthExceededError when the prompt does not fit", async () => {
      const long = "Lily and Tom played with the big red ball in the park. ".repeat(60);
      await expect(raw.generate(user(long))).rejects.toBeInstanceOf(ContextLengthExceededError);
    });

    it("fails with InvalidRequestError naming the path when the model file is missing", async () => {
      const missing = join(dirname(modelPath!), "no-such-model.gguf");
      const model = llamaCpp({ ...base, modelPath: missing });
      expect(model.id).toBe("no-such-model");
      const error = await model.generate(user("hi")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain(missing);
      await expect(model.load()).rejects.toBeInstanceOf(InvalidRequestError);
    });

    it("embeds texts into 64-dim vectors, deterministic and in input order", async () => {
      const embedder = llamaCppEmbedding({
        modelPath: modelPath!,
        threads: 1,
        gpu: false,
        logLevel: "error",
      });
      try {
        expect(embedder).toMatchObject({ provider: "llama-cpp", id: "stories260K", maxBatchSize: 32 });
        expect(embedder.dimensions).toBeUndefined();
        const { embeddings, usage } = await embedder.embed([
          "Lily likes cats",
          "a big dog",
          "Lily likes cats",
        ]);
        expect(embedder.dimensions).toBe(64);
        expect(embeddings.map((v) => v.length)).toEqual([64, 64, 64]);
        expect(embeddings[2]).toEqual(embeddings[0]);
        expect(embeddings[1]).not.toEqual(embeddings[0]);
        const again = await embedder.embed(["a big dog"]);
        expect(again.embeddings[0]).toEqual(embeddings[1]);
        expect(usage!.inputTokens).toBeGreaterThan(6);
        await expect(embedder.embed(["fine", ""])).rejects.toBeInstanceOf(InvalidRequestError);
        await expect(embedder.embed(["x"], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
          AbortedError,
        );
      } finally {
        await embedder.dispose();
      }
      await expect(embedder.embed(["x"])).rejects.toBeInstanceOf(InvalidRequestError);
    });

    it("fails with InvalidRequestError after dispose", async () => {
      const model = llamaCpp({ ...base, modelPath: modelPath! });
      await model.load();
      await model.dispose();
      await expect(model.generate(user("hi"))).rejects.toBeInstanceOf(InvalidRequestError);
    });
  },
);

describe("loading node-llama-cpp", () => {
  it("explains how to install it when the package is missing", async () => {
    const error = await importNodeLlamaCpp(
      () => import("node-llama-cpp-is-not-installed" as string) as never,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ retryable: false, provider: "llama-cpp" });
    expect((error as Error).message).toContain("npm install node-llama-cpp@3.21.1");
  });
});
