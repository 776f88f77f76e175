import { Redis } from "ioredis";
import { REDIS_URL, uniqueName } from "./services.js";

/**
 * A Redis client and a key prefix no other test run uses; `drop` deletes every key under the
 * prefix and quits. Fails with a message naming the server when it cannot be reached.
 */
export async function redisPrefix(): Promise<{ client: Redis; prefix: string; drop: () => Promise<void> }> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is not reachable at ${REDIS_URL} (start it, e.g. bash .ci/run does): ${error}`);
  }
  const prefix = `${uniqueName("keel-mem-test")}:`;
  return {
    client,
    prefix,
    drop: async () => {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        if (keys.length) await client.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await client.quit();
    },
  };
}
