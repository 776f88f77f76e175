import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { degradingSharedState } from "../shared-state/degrading-shared-state.js";
import { memorySharedState } from "../shared-state/memory-shared-state.js";
import { redisSharedState } from "./redis-shared-state.js";

// Local mode in detail, against a Redis that is really unreachable: a client for a loopback port
// nobody listens on, which gives up instead of reconnecting.
let client: Redis;

beforeAll(async () => {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on("error", () => {});
});
afterAll(() => client.disconnect());

function degraded(localShare: number) {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  return { store: redisSharedState({ client, events: hub, localShare, retryMs: 60_000 }), seen };
}

describe("redisSharedState in local mode", () => {
  it("scales every limit by localShare and says so once", async () => {
    const { store, seen } = degraded(0.5);
    const bucket = { key: "b", capacity: 10, periodMs: 60_000, cost: 5 };
    expect((await store.takeTokens([bucket])).ok).toBe(true);
    expect((await store.takeTokens([bucket])).ok).toBe(false);
    expect((await store.addToCounter({ key: "c", windowMs: 0, delta: 0.6, limit: 1 })).ok).toBe(false);
    expect((await store.addToCounter({ key: "c", windowMs: 0, delta: 0.4, limit: 1 })).ok).toBe(true);
    const first = await store.acquireLease("s", 4, 60_000);
    const second = await store.acquireLease("s", 4, 60_000);
    expect(first.ok && second.ok).toBe(true);
    expect((await store.acquireLease("s", 4, 60_000)).ok).toBe(false);
    // A lease taken locally goes back locally.
    if (!first.ok) throw new Error("unreachable");
    expect(await store.renewLease("s", first.id, 60_000)).toBe(true);
    await store.releaseLease("s", first.id);
    expect((await store.acquireLease("s", 4, 60_000)).ok).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(["shared-state.degraded"]);
  });

  it("passes a caller's mistake through instead of counting it as an outage", async () => {
    const { store, seen } = degraded(1);
    await expect(store.acquireLease("s", 0, 1000)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(seen).toEqual([]);
  });

  it("refuses a localShare outside (0, 1]", () => {
    expect(() => degradingSharedState(memorySharedState(), { localShare: 0 })).toThrow(InvalidRequestError);
    expect(() => redisSharedState({ client, localShare: 1.5 })).toThrow(/localShare/);
  });
});
