import { InvalidRequestError, type Model } from "@keel/core";
import { extractiveModel } from "./extractive-model.js";

/** The model an example answers with, and a line that says plainly what it is. */
export interface ChosenModel {
  model: Model;
  /** "gguf", "self-hosted", "openai", "anthropic", "gemini" or "offline". */
  kind: string;
  description: string;
}

type Env = Record<string, string | undefined>;

/**
 * Picks the model honestly from the environment, first match wins:
 * `KEEL_OFFLINE=1` → the offline extractive reader; `KEEL_GGUF` → that GGUF file in-process
 * (node-llama-cpp); `KEEL_BASE_URL` → a self-hosted OpenAI-compatible server; `OPENAI_API_KEY`,
 * `ANTHROPIC_API_KEY`, `GEMINI_API_KEY` → that provider; else the offline extractive reader.
 * `KEEL_MODEL` overrides the model id. The explicit `KEEL_*` choices come before API keys, which
 * are often set for other reasons.
 */
export async function chooseModel(env: Env = process.env): Promise<ChosenModel> {
  const id = env.KEEL_MODEL;
  if (env.KEEL_OFFLINE === "1") return offline();
  if (env.KEEL_GGUF) {
    const { llamaCpp } = await import("@keel/providers/llama-cpp");
    const model = llamaCpp({ modelPath: env.KEEL_GGUF, contextSize: 4096 });
    return {
      model,
      kind: "gguf",
      description: `local GGUF ${env.KEEL_GGUF} in-process through node-llama-cpp (install it with: npm i node-llama-cpp@3.21.1)`,
    };
  }
  if (env.KEEL_BASE_URL) {
    const { openaiCompatible } = await import("@keel/providers/openai-compatible");
    const baseURL = env.KEEL_BASE_URL;
    const modelId = id ?? (await firstServedModel(baseURL));
    const model = openaiCompatible({ provider: "self-hosted", baseURL, apiKey: env.KEEL_API_KEY ?? "EMPTY" })(
      modelId,
    );
    return {
      model,
      kind: "self-hosted",
      description: `${modelId} on the OpenAI-compatible server at ${baseURL}`,
    };
  }
  if (env.OPENAI_API_KEY) {
    const { openai } = await import("@keel/providers/openai");
    const modelId = id ?? "gpt-4.1-mini";
    return {
      model: openai(modelId),
      kind: "openai",
      description: `OpenAI ${modelId} (OPENAI_API_KEY is set)`,
    };
  }
  if (env.ANTHROPIC_API_KEY) {
    const { anthropic } = await import("@keel/providers/anthropic");
    const modelId = id ?? "claude-haiku-4-5";
    return {
      model: anthropic(modelId),
      kind: "anthropic",
      description: `Anthropic ${modelId} (ANTHROPIC_API_KEY is set)`,
    };
  }
  if (env.GEMINI_API_KEY) {
    const { google } = await import("@keel/providers/google");
    const modelId = id ?? "gemini-2.5-flash";
    return {
      model: google(modelId, { apiKey: env.GEMINI_API_KEY }),
      kind: "gemini",
      description: `Google ${modelId} (GEMINI_API_KEY is set)`,
    };
  }
  return offline();
}

function offline(): ChosenModel {
  return {
    model: extractiveModel(),
    kind: "offline",
    description:
      "offline extractive reader — not an LLM: it quotes the retrieved sentences that share the most words " +
      "with the question, with their citations (set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, " +
      "KEEL_BASE_URL or KEEL_GGUF for a real model)",
  };
}

/** The first model a server lists at `GET /models`, for servers started with one model. */
async function firstServedModel(baseURL: string): Promise<string> {
  const url = `${baseURL.replace(/\/$/, "")}/models`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    const first = body.data?.[0]?.id;
    if (typeof first === "string") return first;
  } catch {
    // Reported below with what to do.
  }
  throw new InvalidRequestError(`KEEL_BASE_URL: ${url} did not list a model; set KEEL_MODEL to the model id`);
}
