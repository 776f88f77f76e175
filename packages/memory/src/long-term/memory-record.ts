import { InvalidRequestError } from "@keel/core";

/** What a memory is: a stated fact, a preference, or an episode (something said or done at a time). */
export type MemoryKind = "fact" | "preference" | "episode";

/** A stored memory. Memories are never overwritten: a superseded one gets `validTo` and `invalidatedBy`. */
export interface MemoryRecord {
  id: string;
  kind: MemoryKind;
  /** What it is about, e.g. "diet" or "Caroline's job"; facts and preferences conflict per subject. */
  subject: string;
  content: string;
  /** 0 to 1: how sure the source is. */
  confidence: number;
  /** 0 to 1: how much it matters; raises its rank and slows its decay. */
  importance: number;
  /** Turns of the conversation it came from. */
  sourceTurnIds: string[];
  /** Who said it, for episodes. */
  speaker?: string;
  /** Groups episodes of one conversation session, in `position` order; neighbours give each other context. */
  thread?: string;
  position?: number;
  /** When it happened or was said (ms since epoch); relative time words in `content` are read against it. */
  time?: number;
  /** When it became true (ms since epoch). */
  validFrom: number;
  /** When it stopped being true; absent while valid. */
  validTo?: number;
  /** The memory that replaced it. */
  invalidatedBy?: string;
  createdAt: number;
  updatedAt: number;
  /** The embedding, kept so a restart does not re-embed; tagged with the embedder that made it. */
  embedding?: { model: string; vector: number[] };
}

/** What `LongTermMemory.add` takes; the store fills in ids and times. */
export interface MemoryInput {
  kind: MemoryKind;
  content: string;
  subject?: string;
  confidence?: number;
  importance?: number;
  sourceTurnIds?: string[];
  speaker?: string;
  thread?: string;
  position?: number;
  /** Milliseconds since epoch or a Date. */
  time?: number | Date;
  /** An existing memory this one replaces (it is invalidated, not deleted). */
  supersedes?: string;
}

const KINDS = new Set<MemoryKind>(["fact", "preference", "episode"]);
const MAX_CONTENT = 16_000;

function unit(value: number | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= 1))
    throw new InvalidRequestError(`${what} must be a number from 0 to 1, got ${String(value)}`);
  return value;
}

/** Milliseconds since epoch from a number or Date; throws `InvalidRequestError` for an invalid one. */
export function toMillis(value: number | Date | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms))
    throw new InvalidRequestError(`${what} is not a valid time`);
  return ms;
}

/** A memory input as checked, with defaults filled in. */
export type CheckedInput = MemoryInput & {
  subject: string;
  confidence: number;
  importance: number;
  sourceTurnIds: string[];
  time: number | undefined;
};

/** Checks a memory input and fills in defaults; throws `InvalidRequestError` naming the field. */
export function checkInput(input: MemoryInput): CheckedInput {
  if (typeof input !== "object" || input === null)
    throw new InvalidRequestError("memory input must be an object");
  if (!KINDS.has(input.kind))
    throw new InvalidRequestError(
      `memory kind must be fact, preference or episode, got ${String(input.kind)}`,
    );
  if (typeof input.content !== "string" || input.content.trim().length === 0)
    throw new InvalidRequestError("memory content must be a non-empty string");
  if (input.content.length > MAX_CONTENT)
    throw new InvalidRequestError(
      `memory content is ${input.content.length} characters; the limit is ${MAX_CONTENT}`,
    );
  if (input.subject !== undefined && typeof input.subject !== "string")
    throw new InvalidRequestError("memory subject must be a string");
  if (
    input.sourceTurnIds !== undefined &&
    !(Array.isArray(input.sourceTurnIds) && input.sourceTurnIds.every((t) => typeof t === "string"))
  )
    throw new InvalidRequestError("sourceTurnIds must be an array of strings");
  if (input.position !== undefined && !Number.isInteger(input.position))
    throw new InvalidRequestError("position must be an integer");
  return {
    ...input,
    subject: (input.subject ?? "").trim(),
    confidence: unit(input.confidence, "confidence", 1),
    importance: unit(input.importance, "importance", 0.5),
    sourceTurnIds: input.sourceTurnIds ?? [],
    time: toMillis(input.time, "time"),
  };
}

/** True when the memory was valid at `at` (ms since epoch). */
export function validAt(record: MemoryRecord, at: number): boolean {
  return record.validFrom <= at && (record.validTo === undefined || at < record.validTo);
}

/** Text as compared for sameness of subjects and contents: NFKC, lower case, spaces collapsed. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}
