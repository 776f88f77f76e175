import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisPrefix } from "../__fixtures__/redis.js";
import { REDIS_URL } from "../__fixtures__/services.js";
import { StoreUnavailableError } from "../errors.js";
import { describeStateStore } from "../persistent/__fixtures__/state-store-contract.js";
import { RedisStateStore } from "./redis-state-store.js";

let client: Redis;
let prefix: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ client, prefix, drop } = await redisPrefix());
});
afterAll(async () => {
  await drop?.();
});

describeStateStore(
  "RedisStateStore",
  async () => new RedisStateStore({ client, keyPrefix: prefix, maxValueBytes: 64 * 1024 }),
);

describe("RedisStateStore", () => {
  it("keeps every key of a scope under the prefix, in one hash slot, and forget leaves none", async () => {
    const store = new RedisStateStore({ client, keyPrefix: `${prefix}slots:` });
    const s = { tenant: "t{x}", user: "u:1" };
    await store.put(s, "k", 1);
    await store.append(s, "a stream", [{ type: "e", data: 1 }]);
    const keys = await client.keys(`${prefix}slots:*`);
    expect(keys.length).toBe(3);
    expect(new Set(keys.map((k) => k.slice(k.indexOf("{"), k.indexOf("}") + 1))).size).toBe(1);
    await store.forget(s);
    expect(await client.keys(`${prefix}slots:*`)).toEqual([]);
  });

  it("opens its own client from a URL and quits it on close", async () => {
    const store = new RedisStateStore({ url: REDIS_URL, keyPrefix: `${prefix}url:` });
    await store.put({ tenant: "t" }, "k", [1]);
    expect((await store.get({ tenant: "t" }, "k"))!.value).toEqual([1]);
    await store.close();
  });

  it("reports a connection that went away as StoreUnavailableError and wrote nothing", async () => {
    const name = `keel-mem-away-${process.pid}-${Date.now()}`;
    const doomed = new Redis(REDIS_URL, {
      connectionName: name,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    doomed.on("error", () => {});
    const store = new RedisStateStore({ client: doomed, keyPrefix: `${prefix}away:` });
    const s = { tenant: "t" };
    await store.put(s, "k", "kept");
    // Only this test's own connection is killed, by its unique name.
    const list = (await client.client("LIST")) as string;
    const id = list
      .split("\n")
      .find((line) => line.includes(` name=${name} `))
      ?.match(/id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await client.client("KILL", "ID", id!);
    const error = await store.put(s, "k", "lost").catch((e) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const own = new RedisStateStore({ client, keyPrefix: `${prefix}away:` });
    expect(await own.get(s, "k")).toMatchObject({ value: "kept", version: 1 });
    doomed.disconnect();
  });

  it("fails with StoreUnavailableError when nothing listens", async () => {
    const store = new RedisStateStore({ url: "redis://127.0.0.1:1", keyPrefix: `${prefix}none:` });
    await expect(store.get({ tenant: "t" }, "k")).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});
