// The bench's two workloads. Token counts are simulator tokens (4 characters each).
import type { ModelRequest } from "@keel/core";

/** A seeded uniform random number in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "the of and to in is that for on with as GPU cache token batch prefix model replica queue".split(" ");

function text(random: () => number, tokens: number): string {
  let out = "";
  while (out.length < tokens * 4) out += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  return out.slice(0, tokens * 4);
}

/** Workload shape: tenants with long system prompts; half multi-turn chats, half RAG prompts. */
export interface WorkloadShape {
  tenants: number;
  systemTokens: number;
  usersPerTenant: number;
  questionTokens: number;
  outputTokens: number;
  docTokens: number;
  docsPerPrompt: number;
  docPool: number;
  maxTurns: number;
}

export const SHAPE: WorkloadShape = {
  tenants: 64,
  systemTokens: 2000,
  usersPerTenant: 4,
  questionTokens: 50,
  outputTokens: 64,
  docTokens: 150,
  docsPerPrompt: 3,
  docPool: 300,
  maxTurns: 6,
};

/**
 * Tokens one tenant keeps resident in the caches: its system prompt and each user's chat at its
 * longest. llm-d's 73%-capacity benchmark sizes a group the same way: "R_group = 6,000 + 5×1,200"
 * (system prompt plus each user's cached question; llm-d-kv-cache-manager,
 * benchmarking/73-capacity). RAG passages are not counted: their blocks follow a tenant's system
 * prompt in a combination that never comes back, so they are churn, not residents.
 */
export function residentTokens(shape: WorkloadShape = SHAPE): number {
  return (
    shape.systemTokens + shape.usersPerTenant * shape.maxTurns * (shape.questionTokens + shape.outputTokens)
  );
}

/** Tenants whose resident tokens fill 73% of the fleet's KV cache (llm-d's benchmark ratio). */
export function tenantsFor(replicas: number, blocks: number, shape = SHAPE): number {
  return Math.max(1, Math.round((0.73 * replicas * blocks * 16) / residentTokens(shape)));
}

/**
 * (a) shared-prefix: each request picks a tenant at random; half continue one of the tenant's
 * chats (the whole history so far, then a new question), half are RAG prompts (the tenant's
 * system prompt, three retrieved passages, a question). (b) random: prompts of the same length
 * distribution with nothing shared.
 */
export function makeRequests(
  kind: "shared-prefix" | "random",
  count: number,
  seed: number,
  shape = SHAPE,
): ModelRequest[] {
  const random = rng(seed);
  const systems = Array.from(
    { length: shape.tenants },
    (_, i) => `Tenant ${i} policy. ${text(rng(1000 + i), shape.systemTokens)}`,
  );
  const docs = Array.from({ length: shape.docPool }, (_, i) => text(rng(5000 + i), shape.docTokens));
  const chats = new Map<string, { role: "user" | "assistant"; content: string }[]>();
  const out: ModelRequest[] = [];
  for (let i = 0; i < count; i++) {
    const tenant = Math.floor(random() * shape.tenants);
    const question = text(random, shape.questionTokens);
    let request: ModelRequest;
    if (random() < 0.5) {
      const key = `${tenant}/${Math.floor(random() * shape.usersPerTenant)}`;
      let history = chats.get(key) ?? [];
      if (history.length >= shape.maxTurns * 2) history = [];
      request = {
        messages: [
          { role: "system", content: systems[tenant]! },
          ...history,
          { role: "user", content: question },
        ],
        maxOutputTokens: shape.outputTokens,
      };
      // The simulator's answer text is not known here; a stand-in of the same length keeps the
      // history growing as a real chat's would (the prefix then differs from the served answer,
      // which makes the bench harder on prefix caching, not easier).
      chats.set(key, [
        ...history,
        { role: "user", content: question },
        { role: "assistant", content: text(random, shape.outputTokens) },
      ]);
    } else {
      const passages = Array.from(
        { length: shape.docsPerPrompt },
        () => docs[Math.floor(random() * docs.length)]!,
      );
      request = {
        messages: [
          { role: "system", content: systems[tenant]! },
          { role: "user", content: `Context:\n${passages.join("\n")}\nQuestion: ${question}` },
        ],
        maxOutputTokens: shape.outputTokens,
      };
    }
    if (kind === "random") {
      const length = request.messages.reduce((n, m) => n + String(m.content).length, 0);
      request = {
        messages: [{ role: "user", content: `${i} ${text(random, Math.ceil(length / 4))}` }],
        maxOutputTokens: shape.outputTokens,
      };
    }
    out.push(request);
  }
  return out;
}
