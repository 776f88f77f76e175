import { InvalidRequestError } from "../errors.js";
import type { ContentPart, Message } from "../messages.js";

/** One text the guard reads in a request, with a way to rewrite it in the guard's copy. */
export interface TextSite {
  role: Message["role"];
  get(): string;
  set(text: string): void;
}

// Deeper than this, a tool result is refused rather than walked: no tool's output nests so far,
// and a bound keeps the walk's stack small whatever a caller passes.
const MAX_RESULT_DEPTH = 64;

/**
 * Every string inside a structured tool result (a JSON value: retrieved passages, an API's
 * response), as sites: a tool returns objects far more often than plain text, and an injection
 * or a phone number in `result[3].text` reaches the model as surely as one in a string result.
 * Object keys are not read (they come from the tool's own schema).
 */
function addJsonSites(container: Record<string, unknown>, sites: TextSite[], depth: number): void {
  if (depth > MAX_RESULT_DEPTH)
    throw new InvalidRequestError(`a tool result nests deeper than ${MAX_RESULT_DEPTH} levels`);
  for (const key of Object.keys(container)) {
    const value = container[key];
    if (typeof value === "string")
      sites.push({ role: "tool", get: () => container[key] as string, set: (t) => (container[key] = t) });
    else if (typeof value === "object" && value !== null)
      addJsonSites(value as Record<string, unknown>, sites, depth + 1);
  }
}

/**
 * The JSON copy a provider would send of a structured result. Copying makes the guard's rewrites
 * its own (the caller's object stays untouched) and changes nothing on the wire.
 */
function jsonCopy(result: unknown): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidRequestError("a tool result is not JSON-serializable", { cause: error });
  }
}

/**
 * Every text the guard reads in a request (message text, tool results whole or string by string),
 * on a copy of the messages that the sites rewrite.
 */
export function textSites(messages: Message[]): { messages: Message[]; sites: TextSite[] } {
  const copy = messages.map(
    (m) => ({ ...m, content: typeof m.content === "string" ? m.content : [...m.content] }) as Message,
  );
  const sites: TextSite[] = [];
  for (const m of copy) {
    if (typeof m.content === "string") {
      sites.push({
        role: m.role,
        get: () => m.content as string,
        set: (t) => Object.assign(m, { content: t }),
      });
      continue;
    }
    const parts = m.content as ContentPart[];
    for (const [i, part] of parts.entries()) {
      if (part.type === "text") {
        sites.push({ role: m.role, get: () => part.text, set: (t) => (parts[i] = { ...part, text: t }) });
        continue;
      }
      if (part.type !== "tool-result") continue;
      if (typeof part.result === "string") {
        sites.push({
          role: "tool",
          get: () => part.result as string,
          set: (t) => (parts[i] = { ...part, result: t }),
        });
        continue;
      }
      // Numbers, booleans and null hold no text.
      if (typeof part.result !== "object" || part.result === null) continue;
      const result = jsonCopy(part.result);
      parts[i] = { ...part, result };
      addJsonSites(result, sites, 1);
    }
  }
  return { messages: copy, sites };
}
