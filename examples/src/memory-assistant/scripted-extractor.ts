import type { Model, ModelRequest } from "@keel/core";
import { scriptedModel } from "@keel/core/testing";

/** What an LLM would extract from one turn; `update` names the subject of the memory it replaces. */
export interface ScriptedMemory {
  action: "add" | "update";
  kind: "fact" | "preference" | "episode";
  subject: string;
  content: string;
  importance: number;
}

const promptOf = (request: ModelRequest) =>
  request.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");

/**
 * The offline stand-in for an extraction model: for each turn id in the prompt it answers the
 * memories written for that turn in `script`, in the JSON shape `LongTermMemory.extract` asks
 * for, and finds the id of the memory an update replaces in the prompt's "Existing memories"
 * list. It reads nothing else: the judgement an LLM would make is the script's.
 */
export function scriptedExtractor(script: Record<string, ScriptedMemory[]>): Model {
  return scriptedModel(
    (request) => {
      const prompt = promptOf(request);
      const existing = [...prompt.matchAll(/^- (\S+) \[\w+\] ([^:]+):/gm)].map((m) => ({
        id: m[1]!,
        subject: m[2]!,
      }));
      const memories = [...prompt.matchAll(/^\[([^\]]+)\]/gm)].flatMap(([, turnId]) =>
        (script[turnId!] ?? []).map((m) => ({
          action: m.action,
          kind: m.kind,
          subject: m.subject,
          content: m.content,
          confidence: 0.9,
          importance: m.importance,
          sourceTurnIds: [turnId!],
          time: null,
          target: m.action === "update" ? (existing.find((e) => e.subject === m.subject)?.id ?? null) : null,
        })),
      );
      return JSON.stringify({ memories });
    },
    { id: "scripted-extractor", provider: "offline" },
  );
}
