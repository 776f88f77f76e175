import type { ModelRequest } from "@keel/core";
import { afterEach, describe, expect, it } from "vitest";
import { wireFixture } from "../__fixtures__/wire.js";
import { type SimReplica, startReplica } from "../simulator/replica-server.js";
import { createFleet, type Fleet, type FleetEndpoint } from "./fleet.js";

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

let fleet: Fleet | undefined;
let replica: SimReplica | undefined;
afterEach(async () => {
  fleet?.close();
  await replica?.close();
  fleet = undefined;
  replica = undefined;
});

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

/** A server that answers GETs from a table of path → body (404 elsewhere), counting each GET. */
function stubServer(routes: Record<string, () => Response>) {
  const gets: string[] = [];
  const stub: typeof fetch = async (input) => {
    const path = new URL(String(input)).pathname;
    gets.push(path);
    const route = routes[path];
    return route ? route() : new Response("not found", { status: 404 });
  };
  return { stub, gets };
}

const TGI_V1_INFO = {
  model_id: MODEL,
  max_concurrent_requests: 128,
  max_input_length: 1024,
  max_total_tokens: 2048,
  max_batch_total_tokens: 32000,
};

async function startFleet(endpoint: FleetEndpoint, stub: typeof fetch) {
  fleet = createFleet({ model: MODEL, endpoints: [endpoint], fetch: stub, healthIntervalMs: 60_000 });
  await fleet.start();
  return fleet;
}

describe("KV capacity and limits from TGI /info and llama.cpp /props", () => {
  it("takes a TGI endpoint's KV capacity from /info when /metrics has none, and an explicit value over it", async () => {
    const { stub } = stubServer({
      "/health": () => new Response(""),
      "/metrics": () => new Response("tgi_queue_size 0\ntgi_batch_current_size 3\n"),
      "/info": () => json(TGI_V1_INFO),
    });
    const f = await startFleet({ url: "http://tgi.test:80", id: "tgi", kind: "tgi" }, stub);
    expect(f.endpoints()[0]).toMatchObject({
      running: 3,
      kvCapacityTokens: 32000,
      serverInfo: { source: "/info", maxConcurrent: 128, maxRequestTokens: 2048 },
    });
    f.close();
    const g = await startFleet(
      { url: "http://tgi.test:80", id: "tgi", kind: "tgi", kvCapacityTokens: 5000 },
      stub,
    );
    expect(g.endpoints()[0]!.kvCapacityTokens).toBe(5000);
  });

  it("takes a llama.cpp endpoint's from /props, and from the recorded /slots answer when /props is off", async () => {
    const props = {
      default_generation_settings: { n_ctx: 8192 },
      total_slots: 4,
      model_path: "m.gguf",
    };
    const withProps = stubServer({
      "/health": () => json({ status: "ok" }),
      "/props": () => json(props),
      "/slots": () => new Response(wireFixture("llamacpp/slots.docs-example.json")),
    });
    const f = await startFleet({ url: "http://llama.test:8080", kind: "llamacpp" }, withProps.stub);
    // With /metrics off, the scrape reads /slots: both recorded slots are processing.
    expect(f.endpoints()[0]).toMatchObject({
      running: 2,
      kvCapacityTokens: 32768,
      serverInfo: { source: "/props", slots: 4, maxRequestTokens: 8192 },
    });
    f.close();
    const noProps = stubServer({
      "/health": () => json({ status: "ok" }),
      "/slots": () => new Response(wireFixture("llamacpp/slots.docs-example.json")),
    });
    const g = await startFleet({ url: "http://llama.test:8080", kind: "llamacpp" }, noProps.stub);
    expect(g.endpoints()[0]).toMatchObject({
      kvCapacityTokens: 131072,
      serverInfo: { source: "/slots", slots: 2 },
    });
  });

  it("reads the info once while healthy, and again after an ejection", async () => {
    let healthy = true;
    const { stub, gets } = stubServer({
      "/health": () => new Response("", { status: healthy ? 200 : 503 }),
      "/info": () => json(TGI_V1_INFO),
    });
    let now = 0;
    fleet = createFleet({
      model: MODEL,
      endpoints: [{ url: "http://tgi.test:80", kind: "tgi" }],
      fetch: stub,
      healthIntervalMs: 60_000,
      now: () => now,
    });
    await fleet.start();
    await fleet.checkHealth();
    expect(gets.filter((p) => p === "/info")).toHaveLength(1);
    healthy = false;
    await fleet.checkHealth();
    expect(fleet.endpoints()[0]).toMatchObject({ health: "ejected" });
    expect(fleet.endpoints()[0]!.serverInfo).toBeUndefined();
    healthy = true;
    now += 1001;
    await fleet.checkHealth();
    expect(fleet.endpoints()[0]).toMatchObject({ health: "healthy", kvCapacityTokens: 32000 });
    expect(gets.filter((p) => p === "/info")).toHaveLength(2);
  });

  it("keeps a TGI endpoint within its max_concurrent_requests, queueing the rest in the client", async () => {
    // A simulated replica behind a TGI entry whose /info says it takes 2 requests at once.
    replica = await startReplica({ timeScale: 40, numGpuBlocks: 2000, requestOverheadMs: 5 });
    const tgi: typeof fetch = (input, init) =>
      new URL(String(input)).pathname === "/info"
        ? Promise.resolve(json({ ...TGI_V1_INFO, max_concurrent_requests: 2 }))
        : fetch(input, init);
    fleet = createFleet({
      model: MODEL,
      endpoints: [{ url: replica.url, id: "t", kind: "tgi" }],
      fetch: tgi,
      healthIntervalMs: 60_000,
    });
    await fleet.start();
    const ask: ModelRequest = { messages: [{ role: "user", content: "hello" }], maxOutputTokens: 200 };
    let most = 0;
    let queued = 0;
    const f = fleet;
    const watch = setInterval(() => {
      most = Math.max(most, f.endpoints()[0]!.inflight);
      queued = Math.max(queued, f.queued);
    }, 2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => f.model().generate(ask)));
    clearInterval(watch);
    expect(answers.every((a) => a.usage.outputTokens === 200)).toBe(true);
    expect(most).toBe(2);
    expect(queued).toBeGreaterThan(0);
  });
});
