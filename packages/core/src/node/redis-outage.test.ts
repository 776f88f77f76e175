import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cache } from "../cache/exact-cache.js";
import { lexicalEmbedder } from "../cache/lexical-embedder.js";
import { semanticCache } from "../cache/semantic-cache.js";
import { NetworkError, TimeoutError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { Middleware, ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { OwnRedisServer } from "./__fixtures__/own-redis-server.js";
import { RedisCacheStore } from "./redis-cache-store.js";
import { RedisSemanticStore } from "./redis-semantic-store.js";

// Each test stops, freezes and restarts a redis-server of its own (never the shared one on 6379),
// with a client at ioredis's defaults, as an application would create it.
let server: OwnRedisServer;
let client: Redis;
const prefix = `keel-outage:${process.pid}-${Math.random().toString(36).slice(2)}:`;

beforeAll(async () => {
  server = await OwnRedisServer.start();
  client = new Redis({ host: "127.0.0.1", port: server.port });
  // ioredis reports each failed reconnect as an "error" event; unheard, it logs them all.
  client.on("error", () => {});
});

afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

const ask = (text: string): ModelRequest => ({ messages: [{ role: "user", content: text }] });

function setup(middleware: (hub: EventHub) => Middleware) {
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  const base = scriptedModel((_, call) => `live ${call}`);
  const model = pipe(base, middleware(hub));
  const errors = () =>
    seen.filter((e) => e.type === "cache.error") as Array<KeelEvent & { operation: string; error: Error }>;
  return { base, model, errors };
}

async function untilReady(): Promise<void> {
  await vi.waitFor(() => expect(client.status).toBe("ready"), { timeout: 20_000, interval: 50 });
}

/** Stop, answer from the model, restart, use the cache again; then freeze and thaw. */
async function rideOutOutages(
  middleware: (hub: EventHub) => Middleware,
  first: string,
  again: string,
): Promise<void> {
  const { model, errors } = setup(middleware);
  expect((await model.generate(ask(first))).text).toBe("live 0");
  expect(await model.generate(ask(again))).toMatchObject({ text: "live 0", cached: true });

  await server.stop();
  // The outage starts once the client has seen the socket close: a command written before that
  // is one ioredis resends after reconnecting, which would refill the restarted (empty) server.
  await vi.waitFor(() => expect(client.status).not.toBe("ready"), { timeout: 20_000, interval: 20 });
  // Under a one-second deadline the call still gets the model's answer: the cache steps aside.
  const during = await model.generate(ask(again), { deadline: Date.now() + 1000 });
  expect(during).toMatchObject({ text: "live 1" });
  expect(during.cached).toBeUndefined();
  // Without a deadline too (before, each call queued in ioredis's offline queue for 20 retries).
  const stream = model.stream(ask(again));
  expect((await stream.response).text).toBe("live 2");
  expect(errors().length).toBeGreaterThanOrEqual(4);
  for (const e of errors())
    expect(e.error).toSatisfy((x) => x instanceof NetworkError || x instanceof TimeoutError);
  expect(new Set(errors().map((e) => e.operation))).toEqual(new Set(["get", "set"]));

  // Back up (empty: no persistence), the same client reconnects and the cache works again.
  await server.start();
  await untilReady();
  const failures = errors().length;
  expect((await model.generate(ask(first))).text).toBe("live 3");
  expect(await model.generate(ask(again))).toMatchObject({ text: "live 3", cached: true });
  expect(errors()).toHaveLength(failures);

  // A frozen server keeps its socket open and answers nothing: the store budget ends the wait.
  server.freeze();
  try {
    const frozen = await model.generate(ask(`${again} (frozen)`), { deadline: Date.now() + 5000 });
    expect(frozen.text).toBe("live 4");
    const timedOut = errors().slice(failures);
    expect(timedOut.map((e) => e.operation)).toEqual(["get", "set"]);
    for (const e of timedOut) expect(e.error).toBeInstanceOf(TimeoutError);
  } finally {
    server.thaw();
  }
  expect(await model.generate(ask(again))).toMatchObject({ text: "live 3", cached: true });
}

describe("cache stores on a Redis that goes down and comes back", () => {
  it("exact cache: calls go to the model during the outage and use Redis again after it", async () => {
    await rideOutOutages(
      (hub) => cache({ store: new RedisCacheStore({ client, prefix }), events: hub }),
      "What is the capital of France?",
      "What is the capital of France?",
    );
  }, 60_000);

  it("semantic cache: the same, for searches and writes", async () => {
    await rideOutOutages(
      (hub) =>
        semanticCache({
          embedder: lexicalEmbedder(),
          threshold: 0.85,
          store: new RedisSemanticStore({ client, prefix }),
          events: hub,
        }),
      "How do I reset my password?",
      "How can I reset my password?",
    );
  }, 60_000);
});
