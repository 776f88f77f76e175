import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { tenantKeyPrefix } from "../cache/cache-key.js";
import { unitVector } from "../cache/semantic-store.js";
import { InvalidRequestError } from "../errors.js";
import { RedisCacheStore } from "./redis-cache-store.js";
import { RedisSemanticStore } from "./redis-semantic-store.js";

const redis = new Redis({ host: "127.0.0.1", port: 6379, maxRetriesPerRequest: 1 });
const prefix = `keel-test:${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
const exact = new RedisCacheStore({ client: redis, prefix });
const semantic = new RedisSemanticStore({ client: redis, prefix });

afterAll(async () => {
  await exact.clear();
  await semantic.clear();
  expect(await redis.keys(`${prefix}*`)).toEqual([]);
  await redis.quit();
});

const response = (text: string) => ({
  content: [{ type: "text" as const, text }],
  text,
  toolCalls: [],
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  finishReason: "stop" as const,
  provider: "openai",
  model: { requested: "gpt-4o" },
});
const vec = (...xs: number[]) => unitVector(xs)!;

describe("RedisCacheStore", () => {
  it("stores, reads, expires and deletes entries", async () => {
    await exact.set("k1", { response: response("one"), storedAt: 1 });
    expect((await exact.get("k1"))?.response.text).toBe("one");
    await exact.set("k2", { response: response("two"), storedAt: 1 }, 5000);
    const ttl = await redis.pttl(`${prefix}c:k2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
    expect(await exact.delete("k1")).toBe(true);
    expect(await exact.get("k1")).toBeUndefined();
  });

  it("clears by prefix without touching other entries", async () => {
    const a = tenantKeyPrefix("a");
    await exact.set(`${a}x`, { response: response("a"), storedAt: 1 });
    await exact.set(`${tenantKeyPrefix("b")}x`, { response: response("b"), storedAt: 1 });
    await exact.clear(a);
    expect(await exact.get(`${a}x`)).toBeUndefined();
    expect((await exact.get(`${tenantKeyPrefix("b")}x`))?.response.text).toBe("b");
  });
});

describe("RedisSemanticStore", () => {
  const entry = (id: string, text: string) => ({
    id,
    prompt: text,
    response: response(text),
    storedAt: Date.now(),
  });

  it("finds the most similar entry in a scope and nothing across scopes", async () => {
    await semantic.add("s1", vec(1, 0, 0, 0), entry("e1", "east"));
    await semantic.add("s1", vec(0, 1, 0, 0), entry("e2", "north"));
    await semantic.add("s2", vec(1, 0, 0, 0), entry("e3", "other scope"));
    const match = await semantic.search("s1", vec(0.9, 0.1, 0, 0), 0.9);
    expect(match?.entry.prompt).toBe("east");
    expect(match?.similarity).toBeCloseTo(0.9939, 3);
    expect(await semantic.search("s1", vec(0, 0, 1, 0), 0.5)).toBeUndefined();
    expect(await semantic.search("s3", vec(1, 0, 0, 0), 0.1)).toBeUndefined();
    await expect(semantic.search("s1", vec(1, 0), 0.5)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("sweeps expired vectors, deletes entries and scopes", async () => {
    await semantic.add(
      "s4",
      vec(1, 1, 0, 0),
      { ...entry("old", "old"), storedAt: Date.now() - 10_000 },
      1000,
    );
    expect(await semantic.search("s4", vec(1, 1, 0, 0), 0.5)).toBeUndefined();
    expect(await redis.hlen(`${prefix}s:s4:v`)).toBe(0);

    await semantic.add("s5", vec(0, 0, 1, 1), entry("x", "x"), 60_000);
    expect(await redis.pttl(`${prefix}s:s5:v`)).toBeGreaterThan(0);
    expect(await semantic.delete("s5", "x")).toBe(true);
    expect(await semantic.delete("s5", "x")).toBe(false);
    await semantic.add("s5", vec(0, 0, 1, 1), entry("y", "y"));
    await semantic.deleteScope("s5");
    expect(await redis.keys(`${prefix}s:s5:*`)).toEqual([]);
  });
});
