import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { loadSignals } from "../metrics/load-signals.js";
import { parsePrometheus } from "../metrics/prometheus.js";
import { type SimReplica, startReplica } from "./replica-server.js";

let replica: SimReplica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

const start = async (options = {}) => {
  replica = await startReplica({ timeScale: 40, numGpuBlocks: 2000, ...options });
  return replica;
};

describe("simulated vLLM replica over HTTP", () => {
  it("streams chat completions the official OpenAI SDK reads, with usage and cached tokens", async () => {
    const r = await start();
    const client = new OpenAI({ baseURL: `${r.url}/v1`, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: r.params.model,
      messages: [{ role: "user", content: "p".repeat(400) }],
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(12);
    expect(finish).toBe("length");
    // "user: " + 400 characters + "\n" at 4 characters a token.
    expect(usage).toMatchObject({ prompt_tokens: 102, completion_tokens: 12, total_tokens: 114 });
    // The same prompt again: its full blocks come from the prefix cache.
    const again = await client.chat.completions.create({
      model: r.params.model,
      messages: [{ role: "user", content: "p".repeat(400) }],
      max_tokens: 2,
    });
    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(96);
    expect(again.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it("serves /v1/completions, /tokenize, /v1/models, /health and /load", async () => {
    const r = await start({ adapters: ["sql-lora"] });
    const client = new OpenAI({ baseURL: `${r.url}/v1`, apiKey: "none", maxRetries: 0 });
    const completion = await client.completions.create({
      model: r.params.model,
      prompt: "San Francisco is a",
      max_tokens: 5,
    });
    expect(completion.choices[0]).toMatchObject({ finish_reason: "length" });
    expect(completion.usage?.completion_tokens).toBe(5);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([r.params.model, "sql-lora"]);
    const tokens = await (
      await fetch(`${r.url}/tokenize`, { method: "POST", body: JSON.stringify({ prompt: "abcdefgh" }) })
    ).json();
    expect(tokens).toMatchObject({ count: 2, max_model_len: 131072 });
    expect((await fetch(`${r.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${r.url}/load`)).json()).toEqual({ server_load: 0 });
  });

  it("answers /v1/rerank in vLLM's shape: results best first with their text, usage, top_n", async () => {
    const r = await start();
    const rerank = (body: unknown) =>
      fetch(`${r.url}/v1/rerank`, { method: "POST", body: JSON.stringify(body) });
    const documents = ["pandas eat bamboo", "hi", { text: "the giant panda is a bear" }];
    const body = await (await rerank({ model: "reranker", query: "panda?", documents })).json();
    expect(body).toMatchObject({ model: "reranker", usage: { total_tokens: 2 + 5 + 1 + 7 } });
    expect(body.id).toMatch(/^rerank-/);
    const scores = body.results.map((x: { relevance_score: number }) => x.relevance_score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    expect(body.results.map((x: { index: number }) => x.index).sort()).toEqual([0, 1, 2]);
    const hit = body.results.find((x: { index: number }) => x.index === 2);
    expect(hit.document).toEqual({ text: "the giant panda is a bear" });
    const top = await (await rerank({ query: "panda?", documents, top_n: 1 })).json();
    expect(top.results).toEqual(body.results.slice(0, 1));
    expect((await rerank({ query: 3, documents })).status).toBe(400);
    expect(r.stats.rerankRequests).toBe(2);
  });

  it("exposes vLLM's V1 metric names, and the deprecated v0 names when asked", async () => {
    const r = await start({ legacyMetrics: true });
    await fetch(`${r.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: r.params.model,
        messages: [{ role: "user", content: "x".repeat(200) }],
        max_tokens: 3,
      }),
    }).then((res) => res.text());
    const text = await (await fetch(`${r.url}/metrics`)).text();
    const samples = parsePrometheus(text);
    expect(loadSignals(samples)).toMatchObject({
      running: 0,
      waiting: 0,
      blockSize: 16,
      numGpuBlocks: 2000,
      prefixQueries: 52,
    });
    for (const name of [
      "vllm:gpu_cache_usage_perc",
      "vllm:gpu_prefix_cache_queries_total",
      "vllm:request_success_total",
    ])
      expect(samples.has(name)).toBe(true);
    expect(text).toContain("vllm:time_to_first_token_seconds_bucket");
    expect(text).toContain('engine="0"');
  });

  it("answers like vLLM when things go wrong: unknown model, bad JSON, prompt too long, engine down", async () => {
    const r = await start({ maxModelLen: 50 });
    const post = (body: unknown) =>
      fetch(`${r.url}/v1/chat/completions`, {
        method: "POST",
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const unknown = await post({ model: "nope", messages: [] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: "NotFoundError" } });
    expect((await post("{not json")).status).toBe(400);
    const long = await post({
      model: r.params.model,
      messages: [{ role: "user", content: "y".repeat(400) }],
      max_tokens: 5,
    });
    expect(long.status).toBe(400);
    expect((await long.json()).error.message).toMatch(/maximum context length is 50 tokens/);
    r.fault({ kind: "unavailable", retryAfterS: 2 });
    expect((await fetch(`${r.url}/health`)).status).toBe(503);
    const down = await post({ model: r.params.model, messages: [{ role: "user", content: "hi" }] });
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("2");
    await down.text();
  });

  it("loads and unloads LoRA adapters, evicting the least recently used idle one when its slots are full", async () => {
    const r = await start({ maxLoras: 2, adapters: ["a", "b"] });
    const load = (name: string) =>
      fetch(`${r.url}/v1/load_lora_adapter`, {
        method: "POST",
        body: JSON.stringify({ lora_name: name, lora_path: `/x/${name}` }),
      });
    expect((await load("a")).status).toBe(400);
    const c = await load("c");
    expect(c.status).toBe(200);
    expect(await c.text()).toMatch(/added successfully/);
    expect(r.adapters).toHaveLength(2);
    expect(r.adapters).toContain("c");
    const unload = await fetch(`${r.url}/v1/unload_lora_adapter`, {
      method: "POST",
      body: JSON.stringify({ lora_name: "c" }),
    });
    expect(unload.status).toBe(200);
    expect(r.stats).toMatchObject({ adapterLoads: 1, adapterUnloads: 2 });
  });

  it("comes back empty on the same port after a crash", async () => {
    const r = await start();
    r.fault({ kind: "crash" });
    await expect(fetch(`${r.url}/health`)).rejects.toThrow();
    await r.restart();
    expect((await fetch(`${r.url}/health`)).status).toBe(200);
    expect(r.engine.counters.prefixQueries).toBe(0);
  });
});
