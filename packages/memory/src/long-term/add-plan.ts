import { InvalidRequestError } from "@keel/core";
import type { MemoryIndex } from "./memory-index.js";
import { type CheckedInput, type MemoryRecord, normalizeText } from "./memory-record.js";

/** What `add` did. */
export interface AddResult {
  action: "added" | "updated" | "unchanged";
  record: MemoryRecord;
  /** Memories it replaced, now with `validTo` set. */
  invalidated: MemoryRecord[];
}

/** The changes one `addMany` call makes, decided before anything is written. */
export interface AddPlan {
  /** One per input, in input order. */
  results: AddResult[];
  /** New memories to store (one replaced later in the same call already carries its `validTo`). */
  fresh: MemoryRecord[];
  /** Stored memories an input repeated: raise their confidence and add its sources. */
  merges: Map<string, { confidence: number; sourceTurnIds: string[]; at: number }>;
  /** Stored memories an input replaced: when they stopped holding, and by which new one. */
  ends: Map<string, { at: number; by: string }>;
}

/**
 * Decides, in input order, what each input does against the stored memories and the ones added
 * before it in the same call: a fact or preference with the subject of a valid one of the same
 * kind replaces it unless its content is the same (then the sources are merged); episodes are
 * always added; `supersedes` names the one replaced.
 */
export function planAdds(index: MemoryIndex, inputs: CheckedInput[], now: number): AddPlan {
  const plan: AddPlan = { results: [], fresh: [], merges: new Map(), ends: new Map() };
  const pending = new Map<string, MemoryRecord>();
  const isValid = (r: MemoryRecord) => r.validTo === undefined && !plan.ends.has(r.id);

  const conflicting = (input: CheckedInput): MemoryRecord[] => {
    if (input.supersedes !== undefined) {
      const target = pending.get(input.supersedes) ?? index.records.get(input.supersedes);
      if (!target) throw new InvalidRequestError(`supersedes: no memory "${input.supersedes}" for this user`);
      return isValid(target) ? [target] : [];
    }
    if (input.kind === "episode" || input.subject === "") return [];
    const subject = normalizeText(input.subject);
    const same = (r: MemoryRecord) =>
      r.kind === input.kind && isValid(r) && normalizeText(r.subject) === subject;
    return [...index.records.values(), ...pending.values()].filter(same);
  };

  for (const input of inputs) {
    const same = conflicting(input);
    const duplicate =
      input.supersedes === undefined
        ? same.find((r) => normalizeText(r.content) === normalizeText(input.content))
        : undefined;
    if (duplicate) {
      if (pending.has(duplicate.id)) {
        duplicate.confidence = Math.max(duplicate.confidence, input.confidence);
        duplicate.sourceTurnIds = [...new Set([...duplicate.sourceTurnIds, ...input.sourceTurnIds])];
      } else {
        const merge = plan.merges.get(duplicate.id);
        plan.merges.set(duplicate.id, {
          confidence: Math.max(merge?.confidence ?? 0, input.confidence),
          sourceTurnIds: [...new Set([...(merge?.sourceTurnIds ?? []), ...input.sourceTurnIds])],
          at: now,
        });
      }
      plan.results.push({ action: "unchanged", record: duplicate, invalidated: [] });
      continue;
    }
    const record: MemoryRecord = {
      id: crypto.randomUUID(),
      kind: input.kind,
      subject: input.subject,
      content: input.content,
      confidence: input.confidence,
      importance: input.importance,
      sourceTurnIds: input.sourceTurnIds,
      ...(input.speaker !== undefined ? { speaker: input.speaker } : {}),
      ...(input.thread !== undefined ? { thread: input.thread } : {}),
      ...(input.position !== undefined ? { position: input.position } : {}),
      ...(input.time !== undefined ? { time: input.time } : {}),
      validFrom: input.time ?? now,
      createdAt: now,
      updatedAt: now,
    };
    for (const old of same) {
      if (pending.has(old.id)) {
        old.validTo = Math.max(record.validFrom, old.validFrom);
        old.invalidatedBy = record.id;
      } else plan.ends.set(old.id, { at: record.validFrom, by: record.id });
    }
    pending.set(record.id, record);
    plan.fresh.push(record);
    plan.results.push({ action: same.length ? "updated" : "added", record, invalidated: same });
  }
  return plan;
}
