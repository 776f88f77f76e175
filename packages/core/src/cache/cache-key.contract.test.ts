import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventHub } from "../events.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { customCacheKey, exactCacheKey, semanticScopeKey, tenantKeyPrefix } from "./cache-key.js";
import { MemoryCacheStore } from "./cache-store.js";
import { cache } from "./exact-cache.js";

const model = { provider: "openai", id: "gpt-4o" };
const embedder = { provider: "local", id: "lex" };
const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  ...extra,
});
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** The part of a key after its tenant prefix. */
const digestPart = (key: string, tenant: string | undefined) => key.slice(tenantKeyPrefix(tenant).length);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cache keys", () => {
  it("hashes a repeated request once, but keeps no digest of a text past the memo's size bound", async () => {
    const digest = vi.spyOn(crypto.subtle, "digest");
    const request = ask(`memo ${Math.random()}`);
    const key = await exactCacheKey(request, model);
    expect(digest).toHaveBeenCalledTimes(1);
    expect(await exactCacheKey(structuredClone(request), model)).toBe(key);
    expect(digest).toHaveBeenCalledTimes(1);
    // The memo holds at most 4,000,000 characters of key text: a larger request is hashed each time.
    const huge = ask("x".repeat(4_000_001));
    const hugeKey = await exactCacheKey(huge, model);
    expect(await exactCacheKey(huge, model)).toBe(hugeKey);
    expect(digest).toHaveBeenCalledTimes(3);
  });

  it("groups a tenant's keys under a fixed-shape FNV-1a prefix", () => {
    // FNV-1a of "foobar" is 0xbf9cf968 (the published test vector); the second half uses another seed.
    expect(tenantKeyPrefix("foobar")).toBe("tbf9cf968f0b32e41:");
    // Every prefix has the same length, so no tenant's prefix is the start of another tenant's.
    for (let i = 0; i < 300; i++) expect(tenantKeyPrefix(`tenant-${i}`)).toMatch(/^t[0-9a-f]{16}:$/);
    expect(tenantKeyPrefix(undefined)).toBe("_:");
  });

  it("clears the entries without a tenant apart from every tenant's", async () => {
    const store = new MemoryCacheStore();
    const base = scriptedModel((_, call) => `v${call}`);
    const cached = pipe(base, cache({ store, events: new EventHub() }));
    await cached.generate(ask("q"));
    await cached.generate(ask("q", { tenant: "a" }));
    await store.clear(tenantKeyPrefix(undefined));
    expect((await cached.generate(ask("q", { tenant: "a" }))).cached).toBe(true);
    expect((await cached.generate(ask("q"))).text).toBe("v2");
  });

  // A persistent store (Redis) keeps serving its entries after an upgrade only while the key
  // layout stays the same; a change of layout must bump KEY_VERSION (and these texts).
  it("keeps the exact key's layout from release to release", async () => {
    const layout = (tenant: string) =>
      `{"kind":"exact","messages":[{"content":"hi","role":"user"}],"model":"gpt-4o","provider":"openai","temperature":0,"tenant":${tenant},"v":1}`;
    expect(await exactCacheKey(ask("hi", { temperature: 0 }), model)).toBe(`_:${sha256(layout("null"))}`);
    expect(await exactCacheKey(ask("hi", { temperature: 0, tenant: "acme" }), model)).toBe(
      `${tenantKeyPrefix("acme")}${sha256(layout('"acme"'))}`,
    );
  });

  it("keeps the custom key's layout from release to release", async () => {
    expect(await customCacheKey("k", ask("hi"))).toBe(
      `_:${sha256('{"custom":"k","kind":"custom","tenant":null,"v":1}')}`,
    );
    expect(await customCacheKey("k", ask("hi", { tenant: "acme" }))).toBe(
      `${tenantKeyPrefix("acme")}${sha256('{"custom":"k","kind":"custom","tenant":"acme","v":1}')}`,
    );
  });

  it("keeps the semantic scope's layout from release to release", async () => {
    const layout = (tenant: string) =>
      `{"context":[{"content":"be brief","role":"system"}],"embedder":"local/lex","kind":"semantic","model":"gpt-4o","provider":"openai","tenant":${tenant},"v":1}`;
    const request = (tenant?: string): ModelRequest => ({
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
      ...(tenant ? { tenant } : {}),
    });
    expect(await semanticScopeKey(request(), model, embedder)).toBe(`_:${sha256(layout("null"))}`);
    expect(await semanticScopeKey(request("acme"), model, embedder)).toBe(
      `${tenantKeyPrefix("acme")}${sha256(layout('"acme"'))}`,
    );
  });

  it("hashes the tenant into the digest, not only into the grouping prefix", async () => {
    const keys = async (tenant: string) => ({
      exact: digestPart(await exactCacheKey(ask("q", { tenant }), model), tenant),
      custom: digestPart(await customCacheKey("same", ask("q", { tenant })), tenant),
      semantic: digestPart(await semanticScopeKey(ask("q", { tenant }), model, embedder), tenant),
    });
    const [a, b] = [await keys("a"), await keys("b")];
    expect(a.exact).not.toBe(b.exact);
    expect(a.custom).not.toBe(b.custom);
    expect(a.semantic).not.toBe(b.semantic);
  });

  it("gives different custom keys different cache keys, and the same one the same", async () => {
    const one = await customCacheKey("one", ask("q"));
    expect(await customCacheKey("two", ask("q"))).not.toBe(one);
    expect(await customCacheKey("one", ask("other question"))).toBe(one);
  });

  it("scopes a semantic search by model, embedder and earlier turns, not by the last question", async () => {
    const scope = await semanticScopeKey(ask("q"), model, embedder);
    expect(await semanticScopeKey(ask("another question"), model, embedder)).toBe(scope);
    expect(await semanticScopeKey(ask("q"), { ...model, id: "gpt-4o-mini" }, embedder)).not.toBe(scope);
    expect(await semanticScopeKey(ask("q"), model, { ...embedder, id: "lex-2" })).not.toBe(scope);
    expect(await semanticScopeKey(ask("q"), model, { ...embedder, provider: "openai" })).not.toBe(scope);
    const withHistory: ModelRequest = {
      messages: [
        { role: "user", content: "earlier" },
        { role: "user", content: "q" },
      ],
    };
    expect(await semanticScopeKey(withHistory, model, embedder)).not.toBe(scope);
  });
});
