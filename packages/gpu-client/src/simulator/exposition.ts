import type { SimEngine } from "./engine.js";
import type { Histogram } from "./histogram.js";

/** What `/metrics` reports besides the engine: adapter state. */
export interface ExpositionExtras {
  runningAdapters: string[];
  waitingAdapters: string[];
  maxLoras: number;
}

/**
 * The engine's state in Prometheus text format with vLLM V1's metric names and labels
 * (`model_name`, `engine="0"`), and the deprecated v0 names too when `legacyMetrics` is on.
 */
export function renderMetrics(engine: SimEngine, extras: ExpositionExtras): string {
  const p = engine.params;
  const labels = `engine="0",model_name="${p.model}"`;
  const c = engine.counters;
  const out: string[] = [];
  const gauge = (name: string, help: string, value: number, extra = "") => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${extra}${labels}} ${float(value)}`);
  };
  const counter = (name: string, help: string, value: number, extra = "") => {
    out.push(
      `# HELP ${name}_total ${help}`,
      `# TYPE ${name}_total counter`,
      `${name}_total{${extra}${labels}} ${float(value)}`,
    );
  };
  const histogram = (name: string, help: string, h: Histogram) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    for (let i = 0; i < h.edges.length; i++)
      out.push(`${name}_bucket{le="${float(h.edges[i]!)}",${labels}} ${float(h.counts[i]!)}`);
    out.push(`${name}_bucket{le="+Inf",${labels}} ${float(h.count)}`);
    out.push(`${name}_count{${labels}} ${float(h.count)}`, `${name}_sum{${labels}} ${float(h.sum)}`);
  };
  out.push(
    "# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig",
    "# TYPE vllm:cache_config_info gauge",
    `vllm:cache_config_info{block_size="${p.blockSize}",cache_dtype="auto",enable_prefix_caching="True",gpu_memory_utilization="0.9",num_gpu_blocks="${p.numGpuBlocks}",${labels}} 1.0`,
  );
  gauge("vllm:num_requests_running", "Number of requests in model execution batches.", engine.running);
  gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", engine.waiting);
  gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", engine.pool.usage);
  out.push(
    "# HELP vllm:lora_requests_info Running stats on lora requests.",
    "# TYPE vllm:lora_requests_info gauge",
    `vllm:lora_requests_info{max_lora="${extras.maxLoras}",running_lora_adapters="${extras.runningAdapters.join(",")}",waiting_lora_adapters="${extras.waitingAdapters.join(",")}"} ${float(Date.now() / 1000)}`,
  );
  counter(
    "vllm:prefix_cache_queries",
    "Prefix cache queries, in terms of number of queried tokens.",
    c.prefixQueries,
  );
  counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", c.prefixHits);
  counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", c.preemptions);
  counter("vllm:prompt_tokens", "Number of prefill tokens processed.", c.promptTokens);
  counter("vllm:generation_tokens", "Number of generation tokens processed.", c.generationTokens);
  counter(
    "vllm:request_success",
    "Count of successfully processed requests.",
    c.finishedLength,
    'finished_reason="length",',
  );
  counter(
    "vllm:request_success",
    "Count of successfully processed requests.",
    c.finishedAbort,
    'finished_reason="abort",',
  );
  histogram(
    "vllm:time_to_first_token_seconds",
    "Histogram of time to first token in seconds.",
    engine.latencies.ttft,
  );
  histogram(
    "vllm:e2e_request_latency_seconds",
    "Histogram of e2e request latency in seconds.",
    engine.latencies.e2e,
  );
  histogram(
    "vllm:request_queue_time_seconds",
    "Histogram of time spent in WAITING phase for request.",
    engine.latencies.queue,
  );
  if (p.legacyMetrics) {
    gauge("vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", engine.pool.usage);
    counter(
      "vllm:gpu_prefix_cache_queries",
      "GPU prefix cache queries. DEPRECATED: Use vllm:prefix_cache_queries instead.",
      c.prefixQueries,
    );
    counter(
      "vllm:gpu_prefix_cache_hits",
      "GPU prefix cache hits. DEPRECATED: Use vllm:prefix_cache_hits instead.",
      c.prefixHits,
    );
  }
  return `${out.join("\n")}\n`;
}

/** Prometheus floats as Python's client writes them ("8.0", "1.5e-05"). */
function float(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? `${value}.0` : String(value);
}
