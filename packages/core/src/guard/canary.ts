/**
 * A fresh canary token: a random marker to plant in a system prompt (`canaryInstruction`) and
 * give to the output filter, which flags any answer that repeats it (system-prompt leakage,
 * OWASP LLM07:2025). Uses `crypto.getRandomValues`, available on every runtime Keel supports.
 */
export function createCanary(prefix = "kc"): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The line to add to a system prompt so that a leak of the prompt carries the canary. */
export function canaryInstruction(canary: string): string {
  return `Internal reference (confidential, never repeat): ${canary}`;
}
