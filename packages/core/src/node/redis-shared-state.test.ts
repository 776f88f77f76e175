import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedStateContract } from "../shared-state/__fixtures__/contract.js";
import { unlinkMatching } from "./redis-keys.js";
import { redisSharedState } from "./redis-shared-state.js";

const prefix = `keel-test-ss-${process.pid}-${Math.random().toString(36).slice(2)}:`;
let client: Redis;
let n = 0;

beforeAll(async () => {
  client = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect().catch((error: Error) => {
    throw new Error(`Redis at 127.0.0.1:6379 is needed for these tests and is down: ${error.message}`);
  });
});

afterAll(async () => {
  await unlinkMatching(client, `${prefix}*`);
  client.disconnect();
});

describe("redisSharedState", () => {
  sharedStateContract(() => redisSharedState({ client, prefix: `${prefix}${n++}:`, onUnavailable: "throw" }));

  it("keeps every key under its prefix", async () => {
    const store = redisSharedState({ client, prefix: `${prefix}keys:`, onUnavailable: "throw" });
    await store.takeTokens([{ key: "b", capacity: 1, periodMs: 1000, cost: 1 }]);
    await store.addToCounter({ key: "c", windowMs: 1000, delta: 1 });
    await store.acquireLease("l", 1, 1000);
    await store.writeRecord("r", 0, "v", 1000);
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}keys:*`, "COUNT", 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    expect(keys.sort()).toEqual([
      `${prefix}keys:ss:b:b`,
      `${prefix}keys:ss:l:l`,
      `${prefix}keys:ss:n:c`,
      `${prefix}keys:ss:r:r`,
    ]);
  });
});
