import type { Model, Usage } from "@keel/core";
import { generateObject } from "@keel/core/structured";
import { z } from "zod";
import type { MemoryRecord } from "./memory-record.js";

/** One turn of the conversation memories are extracted from. */
export interface ConversationTurn {
  id: string;
  speaker: string;
  text: string;
  /** When it was said (ms since epoch or Date); relative times in it are read against this. */
  time?: number | Date;
}

/** What the model decided for one memory. */
export interface ExtractedMemory {
  action: "add" | "update" | "invalidate" | "none";
  kind: "fact" | "preference" | "episode";
  subject: string;
  content: string;
  confidence: number;
  importance: number;
  sourceTurnIds: string[];
  /** ISO date (YYYY-MM-DD) the memory is about, when the conversation says. */
  time: string | null;
  /** The existing memory updated or invalidated. */
  target: string | null;
}

const INSTRUCTIONS = `You maintain long-term memory about a user from their conversations.
From the conversation, extract facts, preferences and notable episodes worth remembering later.
Compare each with the existing memories listed (by id):
- "add": new information;
- "update": replaces an existing memory on the same subject (give its id as target);
- "invalidate": an existing memory is no longer true and nothing replaces it (target = its id);
- "none": already known; do not list it at all unless it confirms something.
Give a short subject (e.g. "diet", "employer"), a self-contained content sentence, confidence and
importance from 0 to 1, the ids of the turns it comes from, and its date (YYYY-MM-DD) if known.`;

/** The schema of one extraction, checking turn ids and targets against what the model was shown. */
export function extractionSchema(turnIds: ReadonlySet<string>, memoryIds: ReadonlySet<string>) {
  const item = z
    .object({
      action: z.enum(["add", "update", "invalidate", "none"]),
      kind: z.enum(["fact", "preference", "episode"]),
      subject: z.string(),
      content: z.string().min(1),
      confidence: z.number().min(0).max(1),
      importance: z.number().min(0).max(1),
      sourceTurnIds: z.array(z.string()),
      time: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}/, "a date as YYYY-MM-DD")
        .nullable(),
      target: z.string().nullable(),
    })
    .superRefine((m, ctx) => {
      for (const id of m.sourceTurnIds)
        if (!turnIds.has(id))
          ctx.addIssue({ code: "custom", message: `unknown turn id "${id}"`, path: ["sourceTurnIds"] });
      if (
        (m.action === "update" || m.action === "invalidate") &&
        (m.target === null || !memoryIds.has(m.target))
      )
        ctx.addIssue({
          code: "custom",
          message: `${m.action} needs the id of an existing memory as target`,
          path: ["target"],
        });
    });
  return z.object({ memories: z.array(item) });
}

/**
 * Asks a model, through core's structured output, which memories a conversation holds and how
 * they relate to `existing` ones. Invalid answers (unknown turn ids or targets) go back to the
 * model with the validation error; `OutputParseError` when none validates.
 */
export async function extractMemories(
  model: Model,
  turns: ConversationTurn[],
  existing: MemoryRecord[],
  options: { instructions?: string; signal?: AbortSignal } = {},
): Promise<{ memories: ExtractedMemory[]; usage: Usage }> {
  const schema = extractionSchema(new Set(turns.map((t) => t.id)), new Set(existing.map((m) => m.id)));
  const transcript = turns
    .map(
      (t) =>
        `[${t.id}]${t.time === undefined ? "" : ` (${new Date(t.time).toISOString().slice(0, 10)})`} ${t.speaker}: ${t.text}`,
    )
    .join("\n");
  const known = existing.length
    ? existing.map((m) => `- ${m.id} [${m.kind}] ${m.subject}: ${m.content}`).join("\n")
    : "(none)";
  const result = await generateObject(
    model,
    {
      schema,
      name: "memories",
      system: options.instructions ?? INSTRUCTIONS,
      prompt: `Existing memories:\n${known}\n\nConversation:\n${transcript}`,
      request: { temperature: 0 },
    },
    options.signal ? { signal: options.signal } : undefined,
  );
  return { memories: result.object.memories, usage: result.usage };
}
