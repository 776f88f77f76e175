import type { ModelRequest } from "@keel/core";
import { describe, expect, it } from "vitest";
import type { Candidate, RoutingPolicy } from "../routing/candidate.js";
import { leastOutstanding, roundRobin } from "../routing/simple-policies.js";
import type { ReplicaOptions, SimReplica } from "../simulator/replica-server.js";
import { MODEL, simFleets } from "./__fixtures__/sim-fleet.js";
import { createFleet, type FleetOptions, routeOf } from "./fleet.js";

const start = simFleets();

// The replicas of the last fleet `setup` started (the fixture closes them after each test).
let replicas: SimReplica[] = [];
/** `count` fast simulated replicas behind one started fleet. */
const setup = async (count: number, fleet: Partial<FleetOptions> = {}, replica: ReplicaOptions = {}) => {
  const started = await start({ count, fleet, replica });
  replicas = started.replicas;
  return started;
};

/** Waits (up to 10 s) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}

const ask = (text: string, maxOutputTokens = 4): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  maxOutputTokens,
});

describe("fleet against simulated vLLM replicas", () => {
  it("streams an answer through the fleet and says which replica served it and why", async () => {
    const { fleet, seen } = await setup(2, { policy: roundRobin() });
    const model = fleet.model();
    const stream = model.stream(ask("hello there", 6));
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === "text-delta") deltas.push(event.text);
    const response = await stream.response;
    expect(deltas.join("")).toBe(response.text);
    expect(response.usage).toMatchObject({ outputTokens: 6, inputTokens: 5 });
    expect(response.finishReason).toBe("length");
    const route = routeOf(response)!;
    expect(["r0", "r1"]).toContain(route.endpoint);
    expect(route).toMatchObject({ policy: "round-robin", attempts: 1 });
    expect(seen.find((e) => e.type === "gpu.routed")).toMatchObject({
      endpoint: route.endpoint,
      reason: "round-robin",
    });
  });

  it("spreads requests evenly by round robin", async () => {
    const { fleet } = await setup(3, { policy: roundRobin() });
    await Promise.all(Array.from({ length: 9 }, (_, i) => fleet.model().generate(ask(`q${i}`))));
    expect(replicas.map((r) => r.stats.requests)).toEqual([3, 3, 3]);
  });

  it("keeps requests sharing a long prefix on one replica and hits its prefix cache", async () => {
    const { fleet } = await setup(3);
    const system = "You are a support agent for ACME. ".repeat(60);
    for (let i = 0; i < 6; i++)
      await fleet.model().generate({
        messages: [
          { role: "system", content: system },
          { role: "user", content: `question ${i}` },
        ],
        maxOutputTokens: 2,
      });
    const served = replicas.map((r) => r.stats.requests);
    expect(served.filter((n) => n > 0)).toEqual([6]);
    const hot = replicas.find((r) => r.stats.requests === 6)!;
    const { prefixHits, prefixQueries } = hot.engine.counters;
    expect(prefixHits / prefixQueries).toBeGreaterThan(0.7);
    await fleet.scrape();
    const snapshot = fleet.endpoints().find((e) => e.url === hot.url)!;
    expect(snapshot.kvCapacityTokens).toBe(2000 * 16);
    expect(snapshot.prefixHitRate).toBeGreaterThan(0.7);
  });

  it("spills one hot prefix onto other replicas once its replica is far busier (the load gate)", async () => {
    const { fleet } = await setup(3);
    const system = "Shared tenant prompt. ".repeat(80);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fleet.model().generate({
          messages: [
            { role: "system", content: system },
            { role: "user", content: `q${i}` },
          ],
          maxOutputTokens: 40,
        }),
      ),
    );
    const served = replicas.map((r) => r.stats.requests).sort((a, b) => b - a);
    expect(served[0]).toBeLessThan(40);
    expect(served[1]).toBeGreaterThan(0);
  });

  it("ejects a replica that fails its health check and readmits it, with backoff, once it recovers", async () => {
    // The fleet's clock is ours, so the ejection windows do not depend on this machine's speed.
    let now = 1_000_000;
    const { fleet, seen } = await setup(2, { policy: roundRobin(), ejectMs: 1000, now: () => now });
    replicas[0]!.fault({ kind: "unavailable" });
    await fleet.checkHealth();
    expect(fleet.endpoints().map((e) => e.health)).toEqual(["ejected", "healthy"]);
    await Promise.all(Array.from({ length: 4 }, (_, i) => fleet.model().generate(ask(`q${i}`))));
    expect(replicas.map((r) => r.stats.requests)).toEqual([0, 4]);
    // Still down when the first ejection (1 s) runs out: ejected again, for 2 s.
    now += 1001;
    await fleet.checkHealth();
    expect(fleet.endpoints()[0]!.health).toBe("ejected");
    replicas[0]!.fault({ kind: "none" });
    now += 1000;
    // Recovered, but its second ejection has not run out: not probed yet.
    await fleet.checkHealth();
    expect(fleet.endpoints()[0]!.health).toBe("ejected");
    now += 1001;
    await fleet.checkHealth();
    expect(fleet.endpoints()[0]!.health).toBe("healthy");
    expect(seen.filter((e) => e.type === "gpu.endpoint.ejected")).toHaveLength(1);
    expect(seen.find((e) => e.type === "gpu.endpoint.readmitted")).toMatchObject({
      endpoint: "r0",
      afterMs: 3002,
    });
    await fleet.model().generate(ask("back"));
    await fleet.model().generate(ask("again"));
    expect(replicas[0]!.stats.requests).toBe(1);
  });

  it("fails over before the first token when a replica is down, and ejects it passively", async () => {
    const { fleet, seen } = await setup(2, { policy: roundRobin() });
    replicas[0]!.fault({ kind: "crash" });
    const responses = await Promise.all(
      Array.from({ length: 4 }, (_, i) => fleet.model().generate(ask(`q${i}`))),
    );
    expect(responses.every((r) => routeOf(r)!.endpoint === "r1")).toBe(true);
    const rerouted = responses.filter((r) => r.failovers?.length);
    expect(rerouted.length).toBeGreaterThan(0);
    expect(rerouted[0]!.failovers![0]).toMatchObject({ from: "r0", to: "r1", errorCode: "network" });
    expect(routeOf(rerouted[0]!)!.attempts).toBe(2);
    expect(fleet.endpoints()[0]!.health).toBe("ejected");
    expect(seen.some((e) => e.type === "gpu.rerouted")).toBe(true);
  });

  it("moves on from a replica that answers 503 and from one that hangs past the first-token timeout", async () => {
    const { fleet } = await setup(2, {
      policy: roundRobin(),
      firstTokenTimeoutMs: 200,
      healthIntervalMs: 60_000,
    });
    replicas[0]!.fault({ kind: "unavailable", retryAfterS: 1 });
    const a = await fleet.model().generate(ask("a"));
    const b = await fleet.model().generate(ask("b"));
    expect([routeOf(a)!.endpoint, routeOf(b)!.endpoint]).toEqual(["r1", "r1"]);
    replicas[0]!.fault({ kind: "none" });
    replicas[1]!.fault({ kind: "hang" });
    const c = await fleet.model().generate(ask("c"));
    const d = await fleet.model().generate(ask("d"));
    const routes = [c, d].map((r) => routeOf(r)!);
    expect(routes.every((r) => r.endpoint === "r0")).toBe(true);
    expect([c, d].flatMap((r) => r.failovers ?? []).map((f) => f.errorCode)).toContain("timeout");
  });

  it("opens an endpoint's circuit breaker after repeated 5xx answers and routes around it", async () => {
    const { fleet, seen } = await setup(2, {
      policy: roundRobin(),
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
      ejectAfterFailures: 100,
    });
    replicas[0]!.fault({ kind: "unavailable" });
    for (let i = 0; i < 6; i++)
      expect(routeOf(await fleet.model().generate(ask(`q${i}`)))!.endpoint).toBe("r1");
    expect(fleet.endpoints()[0]).toMatchObject({ breaker: "open", health: "healthy" });
    expect(seen.some((e) => e.type === "breaker.changed" && e.to === "open")).toBe(true);
    // Once open, r0 is not tried at all: exactly two failed attempts reached it.
    expect(seen.filter((e) => e.type === "gpu.rerouted")).toHaveLength(2);
  });

  it("counts a request in its endpoint's prefill queue from send to first token, and in flight until it ends", async () => {
    const { fleet } = await setup(1, { healthIntervalMs: 60_000 });
    replicas[0]!.fault({ kind: "hang" });
    const controller = new AbortController();
    const hung = fleet.model().generate(ask("stuck"), { signal: controller.signal });
    await until(() => fleet.endpoints()[0]!.inflight === 1);
    expect(fleet.endpoints()[0]).toMatchObject({ inflight: 1, prefilling: 1 });
    controller.abort();
    await expect(hung).rejects.toMatchObject({ name: "AbortedError" });
    // The aborted attempt gives its place back once its request is cancelled.
    await until(() => fleet.endpoints()[0]!.inflight === 0);
    expect(fleet.endpoints()[0]).toMatchObject({ inflight: 0, prefilling: 0 });
    replicas[0]!.fault({ kind: "none" });
    const stream = fleet.model().stream(ask("streaming", 200));
    for await (const event of stream)
      if (event.type === "text-delta") {
        expect(fleet.endpoints()[0]).toMatchObject({ inflight: 1, prefilling: 0 });
        break;
      }
    await expect(stream.response).rejects.toMatchObject({ name: "AbortedError" });
    await until(() => fleet.endpoints()[0]!.inflight === 0);
    expect(fleet.endpoints()[0]).toMatchObject({ inflight: 0, prefilling: 0 });
  });

  it("adjusts each replica's scraped queue and KV usage with what it sent since that scrape, and restarts the count at the next", async () => {
    // Always r0; records what each pick saw.
    const seen: Candidate[][] = [];
    const toR0: RoutingPolicy = {
      name: "to-r0",
      pick(candidates) {
        seen.push([...candidates]);
        return { endpoint: "r0", reason: "test" };
      },
    };
    const { fleet } = await setup(2, {
      policy: toR0,
      healthIntervalMs: 60_000,
      scrapeIntervalMs: 3_600_000,
      stalenessMs: 3_600_000,
    });
    const scraped = fleet.endpoints()[0]!;
    expect(scraped).toMatchObject({ waiting: 0, kvUsage: 0, kvCapacityTokens: 2000 * 16 });
    // r0 takes requests but never gets through their prefill.
    replicas[0]!.fault({ kind: "slow", factor: 1e9 });
    const controller = new AbortController();
    const pending = [0, 1, 2, 3].map((i) =>
      fleet
        .model()
        .generate(ask(`held ${i}`, 1600), { signal: controller.signal })
        .catch((e: unknown) => e),
    );
    await until(() => fleet.endpoints()[0]!.inflight === 4);
    const tokens = fleet.endpoints()[0]!.inflightTokens;
    // The fourth pick saw the three requests before it on r0 since the scrape; r1 as scraped.
    const [r0, r1] = seen[3]!;
    expect(r0).toMatchObject({ id: "r0", waiting: 3 });
    expect(r0!.kvUsage).toBeCloseTo((tokens * 3) / 4 / 32_000, 6);
    expect(r1).toMatchObject({ id: "r1", waiting: 0, kvUsage: 0 });
    // A new scrape already holds those four: the count starts again from it. (The fleet counts a
    // request when it sends it; the replica's metrics show it once its engine has taken it in.)
    await until(() => replicas[0]!.engine.pool.usage > 0);
    await fleet.scrape();
    const now = fleet.endpoints()[0]!;
    expect(now.kvUsage).toBeGreaterThan(0);
    void fleet
      .model()
      .generate(ask("after the scrape"), { signal: controller.signal })
      .catch(() => {});
    await until(() => seen.length === 5);
    expect(seen[4]![0]).toMatchObject({ id: "r0", waiting: now.waiting, kvUsage: now.kvUsage });
    controller.abort();
    await Promise.all(pending);
  });

  it("ends a stream cut after its first token in a typed error, without retrying it", async () => {
    const { fleet } = await setup(1);
    const stream = fleet.model().stream(ask("long answer", 400));
    let text = "";
    await expect(
      (async () => {
        for await (const event of stream)
          if (event.type === "text-delta") {
            text += event.text;
            replicas[0]!.fault({ kind: "crash" });
          }
      })(),
    ).rejects.toMatchObject({ code: "network" });
    expect(text.length).toBeGreaterThan(0);
    await expect(stream.response).rejects.toMatchObject({ name: "NetworkError" });
  });

  it("queues past each replica's KV budget, serves by priority, and sheds with OverloadedError", async () => {
    // Room for one request at a time (each reserves about 200 tokens).
    const { fleet: f, seen } = await start({
      fleet: (started) => ({
        endpoints: [{ url: started[0]!.url, kvCapacityTokens: 300 }],
        queue: { maxLength: 2, timeoutMs: 120_000 },
      }),
      start: false,
    });
    const order: string[] = [];
    const run = (name: string, priority: number) =>
      f
        .model()
        .generate({ ...ask(name, 200), providerOptions: { "gpu-client": { priority } } })
        .then(() => order.push(name));
    const first = run("first", 0);
    const low = run("low", 0);
    const high = run("high", 5);
    await expect(f.model().generate(ask("one too many", 800))).rejects.toMatchObject({
      name: "OverloadedError",
    });
    await Promise.all([first, low, high]);
    expect(order).toEqual(["first", "high", "low"]);
    expect(seen.some((e) => e.type === "gpu.request.shed" && e.reason === "queue-full")).toBe(true);
    const timing = await f.model().generate(ask("alone"));
    expect(timing.timings.queuedMs).toBe(0);
  });

  it("sheds a request that waited longer than the queue timeout", async () => {
    const { fleet: f } = await start({
      fleet: (started) => ({
        endpoints: [{ url: started[0]!.url, kvCapacityTokens: 1500 }],
        queue: { timeoutMs: 50 },
      }),
      start: false,
    });
    const busy = f.model().generate(ask("busy", 1000));
    await expect(f.model().generate(ask("waits", 800))).rejects.toMatchObject({
      name: "OverloadedError",
      retryable: true,
    });
    await busy;
  });

  it("batches concurrent embedding calls into requests of at most maxBatchSize", async () => {
    const { fleet } = await setup(1, { policy: leastOutstanding() });
    const embedder = fleet.embeddingModel({ maxBatchSize: 4, maxWaitMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => embedder.embed([`text number ${i}`])),
    );
    expect(replicas[0]!.stats.embeddingBatches).toEqual([4, 4, 2]);
    const again = await embedder.embed(["text number 3"]);
    expect(again.embeddings[0]).toEqual(results[3]!.embeddings[0]);
    expect(results.every((r) => r.embeddings.length === 1 && r.embeddings[0]!.length === 16)).toBe(true);
    const many = await embedder.embed(Array.from({ length: 9 }, (_, i) => `t${i}`));
    expect(many.embeddings).toHaveLength(9);
  });

  it("routes adapter requests to replicas that hold the adapter and loads it on demand", async () => {
    const {
      fleet: f,
      seen,
      replicas,
    } = await start({
      count: 2,
      replica: (i) => ({ adapters: i === 1 ? ["sql-lora"] : [] }),
      fleet: { adapters: { "chat-lora": "/adapters/chat" } },
    });
    for (let i = 0; i < 3; i++)
      expect(routeOf(await f.model("sql-lora").generate(ask(`select ${i}`)))!.endpoint).toBe("r1");
    const loaded = await f.model("chat-lora").generate(ask("hi"));
    expect(replicas.reduce((n, r) => n + r.stats.adapterLoads, 0)).toBe(1);
    const holder = routeOf(loaded)!.endpoint;
    expect(replicas[Number(holder.slice(1))]!.adapters).toContain("chat-lora");
    expect(seen.find((e) => e.type === "gpu.adapter.loaded")).toMatchObject({
      adapter: "chat-lora",
      reason: "not-loaded",
    });
    await expect(f.model("unknown-lora").generate(ask("x"))).rejects.toMatchObject({
      name: "InvalidRequestError",
    });
  });

  it("refuses a bad configuration with a typed error naming the problem", () => {
    expect(() => createFleet({ model: MODEL, endpoints: [] })).toThrow(/at least one/);
    expect(() => createFleet({ model: MODEL, endpoints: [{ url: "ftp://x" }] })).toThrow(/http\(s\) URL/);
    expect(() =>
      createFleet({ model: MODEL, endpoints: [{ url: "http://a:1", kind: "triton" as never }] }),
    ).toThrow(/not a known server kind/);
    expect(() =>
      createFleet({ model: MODEL, endpoints: [{ url: "http://a:1" }, { url: "http://a:1/" }] }),
    ).toThrow(/distinct ids/);
  });

  it("passes the server's context-length refusal through as ContextLengthExceededError without retrying", async () => {
    const { fleet } = await setup(2, { policy: roundRobin() }, { maxModelLen: 100 });
    await expect(fleet.model().generate(ask("x".repeat(800), 10))).rejects.toMatchObject({
      name: "ContextLengthExceededError",
      status: 400,
    });
    expect(replicas.reduce((n, r) => n + r.stats.requests, 0)).toBe(0);
  });
});
