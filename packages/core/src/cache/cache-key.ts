import type { Model, ModelRequest } from "../model.js";
import { canonicalJson, sha256Hex } from "./canonical-json.js";
import { LruMap } from "./lru-map.js";

/** Bump when the key layout changes, so old entries are never read with a new meaning. */
const KEY_VERSION = 1;

/** Everything besides the messages that changes what a model answers. `metadata` is a label, not input. */
function answerSettings(request: ModelRequest) {
  return {
    tools: request.tools,
    toolChoice: request.toolChoice,
    responseFormat: request.responseFormat,
    temperature: request.temperature,
    topP: request.topP,
    topK: request.topK,
    frequencyPenalty: request.frequencyPenalty,
    presencePenalty: request.presencePenalty,
    seed: request.seed,
    stop: request.stop,
    maxOutputTokens: request.maxOutputTokens,
    reasoning: request.reasoning,
    // An answer stored without log probabilities must not serve a request that asks for them.
    logprobs: request.logprobs,
    providerOptions: request.providerOptions,
  };
}

/**
 * Recent digests by their canonical text. `crypto.subtle.digest` is asynchronous (in Node it
 * hops to the thread pool), which dominates an exact hit; a repeated request, the case a cache
 * exists for, skips it. Bounded by entries and by total text length.
 */
const digests = new LruMap<string, string>({
  maxEntries: 2048,
  maxSize: 4_000_000,
  sizeOf: (_, text) => text.length,
});

async function digestOf(material: string): Promise<string> {
  const known = digests.get(material);
  if (known !== undefined) return known;
  const digest = await sha256Hex(material);
  digests.set(material, digest);
  return digest;
}

/** FNV-1a, 32 bits: a fast, stable, non-secret label for grouping keys. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The key prefix shared by every entry of one tenant, for clearing a tenant's entries
 * (`store.clear(tenantKeyPrefix(t))`). It is only a grouping label: isolation comes from the
 * tenant being hashed into every key.
 */
export function tenantKeyPrefix(tenant: string | undefined): string {
  if (tenant === undefined) return "_:";
  const a = fnv1a(tenant).toString(16).padStart(8, "0");
  const b = fnv1a(tenant, 0x9747b28c).toString(16).padStart(8, "0");
  return `t${a}${b}:`;
}

/**
 * The exact-match key of a request: a SHA-256 over the canonical JSON of the model, messages,
 * tools, tool choice, response format, sampling and output settings, provider options and
 * tenant, under the tenant's prefix.
 */
export async function exactCacheKey(
  request: ModelRequest,
  model: Pick<Model, "provider" | "id">,
): Promise<string> {
  const material = canonicalJson({
    v: KEY_VERSION,
    kind: "exact",
    provider: model.provider,
    model: model.id,
    messages: request.messages,
    ...answerSettings(request),
    tenant: request.tenant ?? null,
  });
  return tenantKeyPrefix(request.tenant) + (await digestOf(material));
}

/** A custom key made safe: whatever the function returned, the tenant is hashed in. */
export async function customCacheKey(custom: string, request: ModelRequest): Promise<string> {
  const material = canonicalJson({ v: KEY_VERSION, kind: "custom", custom, tenant: request.tenant ?? null });
  return tenantKeyPrefix(request.tenant) + (await digestOf(material));
}

/**
 * The hard partition a semantic cache searches in: tenant, model, embedder, and everything of
 * the request except its last (user) message: system prompt, earlier turns, tools and settings.
 * Entries of other scopes are never compared, however similar their text.
 */
export async function semanticScopeKey(
  request: ModelRequest,
  model: Pick<Model, "provider" | "id">,
  embedder: { provider: string; id: string },
): Promise<string> {
  const material = canonicalJson({
    v: KEY_VERSION,
    kind: "semantic",
    provider: model.provider,
    model: model.id,
    embedder: `${embedder.provider}/${embedder.id}`,
    context: request.messages.slice(0, -1),
    ...answerSettings(request),
    tenant: request.tenant ?? null,
  });
  return tenantKeyPrefix(request.tenant) + (await digestOf(material));
}
