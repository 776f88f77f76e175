import type { Message, Model, ModelRequest, StreamEvent } from "@keel/core";
import { createModelStream, observeModel } from "@keel/core/provider";
import { countTokens } from "@keel/core/tokens";

/** A retrieved passage as the demo hands it to a model: a citation number and its text. */
export interface Passage {
  n: number;
  text: string;
}

const STOPWORDS = new Set(
  (
    "a an and are as at be by can do does for from how i if in into is it its of on or so that the " +
    "their them then there these this those to was we what when where which who why will with you your"
  ).split(" "),
);

/** Lower-cased content words with a light plural/verb suffix strip, so "locks" meets "lock". */
function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map((w) => w.replace(/(?<=\w{3})(es|s|ing|ed)$/u, ""));
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** The prose sentences of a passage: heading lines dropped, at least six words, ending in . ! ? or :. */
function sentencesOf(text: string): string[] {
  const prose = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n");
  return [...segmenter.segment(prose)]
    .map((s) => s.segment.replace(/\s+/g, " ").trim())
    .filter((s) => /[.!?:]$/.test(s) && s.split(" ").length >= 6);
}

/** The passages a request carries: tool results that are lists of `{ n, text }`. */
export function passagesOf(messages: Message[]): Passage[] {
  const out: Passage[] = [];
  for (const m of messages) {
    if (m.role !== "tool") continue;
    for (const part of m.content) {
      if (part.type !== "tool-result" || !Array.isArray(part.result)) continue;
      for (const item of part.result as Array<Partial<Passage>>)
        if (typeof item?.n === "number" && typeof item.text === "string")
          out.push({ n: item.n, text: item.text });
    }
  }
  return out;
}

function lastUserText(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    return m.content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
  }
  return "";
}

/**
 * The answer an extractive reader gives: the `maxSentences` sentences of the passages that share
 * the most question words (weighted by how rare each word is among the sentences), each followed
 * by its passage's citation, in passage order. No generation: every word is quoted.
 */
export function extractiveAnswer(question: string, passages: Passage[], maxSentences = 3): string {
  const asked = new Set(terms(question));
  // Overlapping chunks repeat sentences: keep each once, under its first passage.
  const seen = new Set<string>();
  const sentences = passages.flatMap((p) =>
    sentencesOf(p.text)
      .filter((text) => !seen.has(text) && seen.add(text))
      .map((text) => ({ n: p.n, text })),
  );
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of new Set(terms(s.text))) df.set(t, (df.get(t) ?? 0) + 1);
  const scored = sentences
    .map((s, index) => {
      const own = new Set(terms(s.text));
      let score = 0;
      for (const t of asked) if (own.has(t)) score += Math.log(1 + sentences.length / (df.get(t) ?? 1));
      // Longer sentences share more words by chance; better-ranked passages are likelier answers.
      return { ...s, index, score: score / Math.sqrt(1 + own.size / 12) / Math.sqrt(s.n) };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index);
  if (scored.length === 0) return "The retrieved passages do not answer this question.";
  return scored.map((s) => `${s.text} [${s.n}]`).join(" ");
}

/**
 * An offline stand-in for an LLM that needs no download: it answers the last user question with
 * sentences quoted from the retrieved passages in the request (see `extractiveAnswer`). Usage is
 * counted with core's tokenizer (o200k_base), so the token report is real for what it read.
 */
export function extractiveModel(options: { id?: string } = {}): Model {
  const id = options.id ?? "extractive-reader";
  const provider = "offline";
  async function* answer(request: ModelRequest): AsyncGenerator<StreamEvent> {
    const text = extractiveAnswer(lastUserText(request.messages), passagesOf(request.messages));
    const inputTokens = await countTokens(JSON.stringify(request.messages));
    const outputTokens = await countTokens(text);
    yield { type: "response-metadata", servedModel: id };
    for (const piece of text.match(/\S+\s*/g) ?? []) yield { type: "text-delta", text: piece };
    yield { type: "usage", usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
    yield { type: "finish", finishReason: "stop" };
  }
  const model: Model = {
    provider,
    id,
    capabilities: { streaming: true, tools: true, jsonSchema: false, vision: false, reasoning: false },
    stream: (request, callOptions) =>
      createModelStream(() => answer(request), {
        provider,
        model: id,
        ...(callOptions ? { options: callOptions } : {}),
      }),
    generate: (request, callOptions) => model.stream(request, callOptions).response,
  };
  return observeModel(model);
}
