import { EventHub, type KeelEvent, type ModelRequest } from "@keel/core";
import { afterEach, describe, expect, it } from "vitest";
import { type SimReplica, startReplica } from "../simulator/replica-server.js";
import { AdapterSlots } from "./adapter-slots.js";
import { createFleet, type Fleet, type FleetEndpoint } from "./fleet.js";

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const PATHS = { a: "/adapters/a", b: "/adapters/b", c: "/adapters/c", d: "/adapters/d" };

let replica: SimReplica | undefined;
let fleet: Fleet | undefined;
afterEach(async () => {
  fleet?.close();
  await replica?.close();
  replica = undefined;
  fleet = undefined;
});

/** One replica with two LoRA slots holding `a` and `b`; every POST the fleet sends is recorded. */
async function setup(endpoint: Partial<FleetEndpoint> = {}, maxLoras = 2) {
  replica = await startReplica({
    timeScale: 40,
    numGpuBlocks: 2000,
    requestOverheadMs: 5,
    maxLoras,
    loraLoadMs: 40,
    adapters: ["a", "b"],
  });
  const posts: { path: string; body: Record<string, unknown> }[] = [];
  const recording: typeof fetch = (input, init) => {
    if (init?.method === "POST")
      posts.push({ path: new URL(String(input)).pathname, body: JSON.parse(String(init.body)) });
    return fetch(input, init);
  };
  const hub = new EventHub();
  const seen: KeelEvent[] = [];
  hub.on((e) => seen.push(e));
  fleet = createFleet({
    model: MODEL,
    endpoints: [{ url: replica.url, id: "r0", ...endpoint }],
    adapters: PATHS,
    events: hub,
    fetch: recording,
    healthIntervalMs: 60_000,
    scrapeIntervalMs: 60_000,
  });
  await fleet.start();
  const unloads = () =>
    posts.filter((p) => p.path === "/v1/unload_lora_adapter").map((p) => p.body.lora_name);
  return { fleet, seen, unloads };
}

const ask = (text: string, maxOutputTokens = 2): ModelRequest => ({
  messages: [{ role: "user", content: text }],
  maxOutputTokens,
});

describe("adapter unloading at an endpoint's LoRA slot limit", () => {
  it("unloads the least recently used adapter through /v1/unload_lora_adapter before loading a new one", async () => {
    const { fleet, seen, unloads } = await setup();
    // The slot count comes from the scrape (vllm:lora_requests_info max_lora="2").
    await fleet.model("b").generate(ask("b first"));
    await fleet.model("a").generate(ask("a later"));
    await fleet.model("c").generate(ask("c needs a slot"));
    expect(unloads()).toEqual(["b"]);
    expect([...replica!.adapters].sort()).toEqual(["a", "c"]);
    expect(fleet.endpoints()[0]!.adapters.sort()).toEqual(["a", "c"]);
    expect(seen.find((e) => e.type === "gpu.adapter.unloaded")).toMatchObject({
      endpoint: "r0",
      adapter: "b",
      reason: "lru",
      for: "c",
    });
    // The simulator evicted nothing on its own: the one unload is the client's.
    expect(replica!.stats.adapterUnloads).toBe(1);
    // Now `a` is the least recently used.
    await fleet.model("d").generate(ask("d too"));
    expect(unloads()).toEqual(["b", "a"]);
    expect([...replica!.adapters].sort()).toEqual(["c", "d"]);
  });

  it("never unloads an adapter with requests in flight, even when it is the least recently used", async () => {
    const { fleet, unloads } = await setup();
    // `b` is used first and stays busy (a long answer); `a` is used after it and finishes.
    const long = fleet.model("b").generate(ask("long", 1500));
    await new Promise((r) => setTimeout(r, 20));
    await fleet.model("a").generate(ask("short"));
    await fleet.model("c").generate(ask("c"));
    expect(unloads()).toEqual(["a"]);
    expect(replica!.adapters).toContain("b");
    expect((await long).usage.outputTokens).toBe(1500);
  });

  it("takes a configured maxAdapters over the scraped slot count", async () => {
    const { fleet, unloads } = await setup({ maxAdapters: 3 }, 4);
    await fleet.model("c").generate(ask("c fits in a third slot"));
    expect(unloads()).toEqual([]);
    await fleet.model("a").generate(ask("a"));
    await fleet.model("d").generate(ask("d needs a slot"));
    // `b` was never used by this client, so it is the least recently used.
    expect(unloads()).toEqual(["b"]);
    expect([...replica!.adapters].sort()).toEqual(["a", "c", "d"]);
  });

  it("refuses a maxAdapters that is not a positive integer", () => {
    expect(() =>
      createFleet({ model: MODEL, endpoints: [{ url: "http://127.0.0.1:1", maxAdapters: 0 }] }),
    ).toThrow(/maxAdapters must be a positive integer/);
  });
});

describe("AdapterSlots", () => {
  it("picks the idle adapter used least recently, never-used first, skipping busy, running and unloading ones", () => {
    const slots = new AdapterSlots(undefined);
    const loaded = new Set(["x", "y", "z", "w"]);
    const doneX = slots.use("x", 10);
    slots.use("y", 20)();
    slots.use("z", 30)();
    // w was never used by this client: it goes first.
    expect(slots.victim(loaded)).toBe("w");
    expect(slots.victim(loaded, ["w"])).toBe("y");
    slots.unloading.add("y");
    expect(slots.victim(loaded, ["w"])).toBe("z");
    doneX();
    expect(slots.victim(loaded, ["w"])).toBe("x");
    expect(slots.victim(new Set(["y"]))).toBeUndefined();
  });

  it("counts loads under way and unloads under way against the limit", () => {
    const slots = new AdapterSlots(2);
    const loaded = new Set(["x"]);
    expect(slots.hasFreeSlot(loaded, 8)).toBe(true);
    slots.loading++;
    expect(slots.hasFreeSlot(loaded, 8)).toBe(false);
    slots.unloading.add("x");
    expect(slots.hasFreeSlot(loaded, 8)).toBe(true);
    expect(new AdapterSlots(undefined).hasFreeSlot(new Set(["x", "y"]), undefined)).toBe(true);
    expect(new AdapterSlots(undefined).limit(3)).toBe(3);
  });
});
