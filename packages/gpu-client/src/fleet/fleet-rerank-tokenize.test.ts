import { describe, expect, it } from "vitest";
import type { ServerKind } from "../server-kinds.js";
import type { SimReplica } from "../simulator/replica-server.js";
import { simFleets } from "./__fixtures__/sim-fleet.js";

const start = simFleets();

/** One fast simulated replica per kind behind a started fleet (no periodic health checks). */
let replicas: SimReplica[] = [];
const setup = async (kinds: ServerKind[], options: { firstTokenTimeoutMs?: number } = {}) => {
  const started = await start({ kinds, fleet: { healthIntervalMs: 60_000, ...options } });
  replicas = started.replicas;
  return started;
};

const DOCS = ["the giant panda is a bear", "hi", "pandas eat bamboo in china", "a list of prime numbers"];

describe("fleet rerank and tokenize against simulated vLLM replicas", () => {
  it("reranks on one replica: hits best first, top_n, the tokens the server read, and which replica answered", async () => {
    const { fleet, seen } = await setup(["vllm", "vllm"]);
    const all = await fleet.rerank("what is a panda?", DOCS);
    expect(all.results.map((h) => h.index).sort()).toEqual([0, 1, 2, 3]);
    const scores = all.results.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The query and every document at 4 characters a token, as the simulator counts.
    const tokens = ["what is a panda?", ...DOCS].reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    expect(all.inputTokens).toBe(tokens);
    expect(["r0", "r1"]).toContain(all.endpoint);
    expect(seen.find((e) => e.type === "gpu.routed")).toMatchObject({
      endpoint: all.endpoint,
      reason: "rerank: fewest in flight (0)",
    });
    const top = await fleet.rerank("what is a panda?", DOCS, { topN: 2 });
    expect(top.results).toEqual(all.results.slice(0, 2));
    expect(replicas.reduce((n, r) => n + r.stats.rerankRequests, 0)).toBe(2);
    // The reranker view: one score per text, in input order.
    const inOrder = await fleet.reranker().rerank("what is a panda?", DOCS);
    for (const hit of all.results) expect(inOrder[hit.index]).toBe(hit.score);
  });

  it("tokenizes with the server's tokenizer and reports its context length", async () => {
    const { fleet } = await setup(["vllm"]);
    const result = await fleet.tokenize("abcdefghij");
    expect(result).toMatchObject({ count: 3, maxModelLen: 131072, endpoint: "r0" });
    expect(result.tokens).toHaveLength(3);
    expect(replicas[0]!.stats.tokenizeRequests).toBe(1);
  });

  it("routes only to endpoints whose kind has the route, and says so when none has it", async () => {
    // The same simulated replica behind a TGI entry (no rerank route) and a vLLM entry.
    const { fleet } = await setup(["tgi", "vllm"]);
    for (let i = 0; i < 3; i++) expect((await fleet.rerank("q", DOCS)).endpoint).toBe("r1");
    expect(replicas[0]!.stats.rerankRequests).toBe(0);
    const { fleet: ollama } = await setup(["ollama"]);
    await expect(ollama.tokenize("x")).rejects.toMatchObject({ code: "provider-unavailable" });
    await expect(ollama.rerank("q", DOCS)).rejects.toThrow(/no healthy endpoint serves rerank/);
  });

  it("fails over to another replica on a crash, a 503 or a hang, and ejects a crashed one", async () => {
    const { fleet, seen } = await setup(["vllm", "vllm"], { firstTokenTimeoutMs: 300 });
    replicas[0]!.fault({ kind: "crash" });
    // Both idle: the first pick is r0, which is down.
    expect((await fleet.rerank("q", DOCS)).endpoint).toBe("r1");
    expect(fleet.endpoints()[0]!.health).toBe("ejected");
    expect(seen.find((e) => e.type === "gpu.rerouted")).toMatchObject({ from: "r0", attempt: 1 });
    expect(seen.find((e) => e.type === "gpu.rerouted")?.error).toMatchObject({ code: "network" });
  });

  it("moves on from a 503 and from a hung replica, and refuses bad input before sending", async () => {
    const { fleet, seen } = await setup(["vllm", "vllm"], { firstTokenTimeoutMs: 300 });
    replicas[0]!.fault({ kind: "unavailable" });
    expect((await fleet.rerank("q", DOCS)).endpoint).toBe("r1");
    // r0 now hangs (a 503 counts against it but does not eject it yet): both idle, r0 is picked
    // first, and the timeout moves the call on to r1.
    replicas[0]!.fault({ kind: "hang" });
    const started = Date.now();
    expect((await fleet.rerank("q", DOCS)).endpoint).toBe("r1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const errors = seen.flatMap((e) => (e.type === "gpu.rerouted" ? [e.error.code] : []));
    expect(errors).toEqual(["provider-unavailable", "timeout"]);
    await expect(fleet.rerank("q", [1 as unknown as string])).rejects.toMatchObject({
      code: "invalid-request",
    });
    expect(await fleet.rerank("q", [])).toEqual({ results: [], endpoint: "" });
  });

  it("stops at once when the caller aborts", async () => {
    const { fleet } = await setup(["vllm"]);
    replicas[0]!.fault({ kind: "hang" });
    const controller = new AbortController();
    const call = fleet.tokenize("x", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ code: "aborted" });
    expect(fleet.endpoints()[0]!.health).toBe("healthy");
  });
});
