import { sleep } from "../abort.js";
import type { KeelError } from "../errors.js";
import type { Model, ModelCapabilities, ModelRequest, StreamEvent, Usage } from "../model.js";
import { createModelStream } from "../stream/model-stream.js";

/** One scripted answer: plain text, an error to throw, or explicit events with optional pauses. */
export type ScriptStep =
  | string
  | KeelError
  | {
      events: Array<StreamEvent | { type: "pause"; ms: number } | { type: "fail"; error: KeelError }>;
      delayMs?: number;
    }
  | { text: string; delayMs?: number; chunkSize?: number; usage?: Usage };

export interface ScriptedModel extends Model {
  /** Requests received, in order. */
  readonly requests: ModelRequest[];
}

const CAPABILITIES: ModelCapabilities = {
  streaming: true,
  tools: true,
  jsonSchema: true,
  vision: false,
  reasoning: false,
};

/**
 * An in-process model that plays back a script, one step per call (the last step repeats).
 * For unit tests of middleware and flows; end-to-end tests use the wire test server instead.
 */
export function scriptedModel(
  script: ScriptStep[] | ((request: ModelRequest, call: number) => ScriptStep),
  options: { id?: string; provider?: string; capabilities?: Partial<ModelCapabilities> } = {},
): ScriptedModel {
  const id = options.id ?? "scripted";
  const provider = options.provider ?? "scripted";
  const requests: ModelRequest[] = [];
  const next = (request: ModelRequest): ScriptStep => {
    const call = requests.length;
    requests.push(request);
    if (typeof script === "function") return script(request, call);
    const step = script[Math.min(call, script.length - 1)];
    if (step === undefined) throw new Error("scriptedModel: empty script");
    return step;
  };

  async function* play(step: ScriptStep, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    if (typeof step === "object" && "code" in step) throw step;
    if (typeof step === "object" && "events" in step) {
      if (step.delayMs) await sleep(step.delayMs, signal);
      for (const e of step.events) {
        if (e.type === "pause") await sleep(e.ms, signal);
        else if (e.type === "fail") throw e.error;
        else yield e;
      }
      return;
    }
    const s = typeof step === "string" ? { text: step } : step;
    if (s.delayMs) await sleep(s.delayMs, signal);
    yield { type: "response-metadata", requestId: `req_${requests.length}`, servedModel: id };
    const size = s.chunkSize ?? Math.max(1, s.text.length);
    for (let i = 0; i < s.text.length; i += size)
      yield { type: "text-delta", text: s.text.slice(i, i + size) };
    const out = Math.ceil(s.text.length / 4);
    yield { type: "usage", usage: s.usage ?? { inputTokens: 10, outputTokens: out, totalTokens: 10 + out } };
    yield { type: "finish", finishReason: "stop" };
  }

  const model: ScriptedModel = {
    provider,
    id,
    capabilities: { ...CAPABILITIES, ...options.capabilities },
    requests,
    stream(request, callOptions) {
      const step = next(request);
      return createModelStream((signal) => play(step, signal), { provider, model: id, options: callOptions });
    },
    generate(request, callOptions) {
      return model.stream(request, callOptions).response;
    },
  };
  return model;
}
