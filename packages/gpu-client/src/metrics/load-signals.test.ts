import { describe, expect, it } from "vitest";
import { wireFixture } from "../__fixtures__/wire.js";
import { loadSignals, prefixHitRate, slotsLoad } from "./load-signals.js";
import { parsePrometheus, sumOf } from "./prometheus.js";

describe("load signals from recorded vLLM scrapes", () => {
  it("reads the v0 names, the cache geometry and the LoRA info of a V0 scrape", () => {
    const s = loadSignals(parsePrometheus(wireFixture("vllm/metrics-v0-scrape.docs.prom")));
    expect(s).toMatchObject({
      running: 0,
      waiting: 0,
      kvUsage: 0,
      blockSize: 16,
      numGpuBlocks: 81767,
      preemptions: 0,
    });
    // -1 is vLLM v0's "no queries yet", not a rate.
    expect(s.prefixHitRateGauge).toBeUndefined();
    expect(s.runningAdapters).toEqual([]);
    expect(s.maxLoras).toBe(0);
  });

  it("reads an early V1 scrape that has only the deprecated names and a counter with no sample", () => {
    const samples = parsePrometheus(
      wireFixture("vllm/metrics-v1-early-fragment.issue-production-stack-318.prom"),
    );
    const s = loadSignals(samples);
    expect(s).toMatchObject({ running: 0, waiting: 0, kvUsage: 0 });
    expect(s.prefixQueries).toBeUndefined();
    expect(sumOf(samples, "process_open_fds")).toBe(45);
  });

  it("prefers the current names on a vLLM 0.10 scrape with the engine label and deprecated series side by side", () => {
    const s = loadSignals(
      parsePrometheus(wireFixture("vllm/metrics-v1-fragment.issue-production-stack-617.prom")),
    );
    expect(s.kvUsage).toBeCloseTo(9.75010481363281e-6, 12);
    expect(s.prefixQueries).toBe(32);
    expect(s.prefixHits).toBe(0);
  });

  it("sums the engine-labelled series of data-parallel engines and averages their usage", () => {
    const text = [
      "# TYPE vllm:num_requests_running gauge",
      'vllm:num_requests_running{engine="0",model_name="m"} 3.0',
      'vllm:num_requests_running{engine="1",model_name="m"} 5.0',
      "# TYPE vllm:kv_cache_usage_perc gauge",
      'vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.2',
      'vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.4',
    ].join("\n");
    const s = loadSignals(parsePrometheus(text));
    expect(s.running).toBe(8);
    expect(s.kvUsage).toBeCloseTo(0.3);
  });

  it("reads SGLang, TGI and llama.cpp names (notes §3)", () => {
    const sglang = loadSignals(
      parsePrometheus(
        [
          'sglang:token_usage{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.28',
          'sglang:num_running_reqs{model_name="meta-llama/Llama-3.1-8B-Instruct"} 162.0',
          'sglang:num_queue_reqs{model_name="meta-llama/Llama-3.1-8B-Instruct"} 2826.0',
          'sglang:cache_hit_rate{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.5',
        ].join("\n"),
      ),
    );
    expect(sglang).toMatchObject({ running: 162, waiting: 2826, kvUsage: 0.28, prefixHitRateGauge: 0.5 });
    const tgi = loadSignals(
      parsePrometheus(
        "# TYPE tgi_queue_size gauge\ntgi_queue_size 4\n# TYPE tgi_batch_current_size gauge\ntgi_batch_current_size 12\n",
      ),
    );
    expect(tgi).toEqual({ running: 12, waiting: 4 });
    const llama = loadSignals(
      parsePrometheus(
        "llamacpp:requests_processing 2\nllamacpp:requests_deferred 7\nllamacpp:n_busy_slots_per_decode 1.5\n",
      ),
    );
    expect(llama).toEqual({ running: 2, waiting: 7 });
  });

  it("computes the hit rate over the interval from the token counters, and restarts cleanly", () => {
    expect(
      prefixHitRate({ prefixQueries: 100, prefixHits: 20 }, { prefixQueries: 300, prefixHits: 170 }),
    ).toBeCloseTo(0.75);
    // Counters went down: the server restarted.
    expect(
      prefixHitRate({ prefixQueries: 300, prefixHits: 170 }, { prefixQueries: 40, prefixHits: 10 }),
    ).toBeCloseTo(0.25);
    expect(prefixHitRate(undefined, { prefixHitRateGauge: 0.4 })).toBe(0.4);
  });

  it("counts busy llama.cpp slots from the documented /slots answer", () => {
    expect(slotsLoad(JSON.parse(wireFixture("llamacpp/slots.docs-example.json")))).toEqual({
      busy: 2,
      total: 2,
    });
    expect(slotsLoad({ error: "x" })).toBeUndefined();
  });

  it("fails with OutputParseError on text that is not an exposition", () => {
    expect(() => parsePrometheus("<html>502 Bad Gateway</html>", "replica-1")).toThrow(
      /Prometheus|replica-1/,
    );
  });
});
