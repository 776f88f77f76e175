import { labelsOf, type MetricSamples, meanOf, sumOf } from "./prometheus.js";

/** What one scrape says about a server's load and cache, whatever the engine. */
export interface LoadSignals {
  /** Requests in the running batch. */
  running?: number;
  /** Requests waiting for admission. */
  waiting?: number;
  /** KV-cache usage, 0–1 (vLLM, SGLang; TGI and llama.cpp do not say). */
  kvUsage?: number;
  /** Cumulative prefix-cache queries and hits, in tokens (vLLM). */
  prefixQueries?: number;
  prefixHits?: number;
  /** A hit-rate gauge where the engine has one (SGLang; vLLM v0, where -1 means none yet). */
  prefixHitRateGauge?: number;
  /** Tokens per KV block and blocks on the GPU (`vllm:cache_config_info`, `sglang:cache_config_info`). */
  blockSize?: number;
  numGpuBlocks?: number;
  /** LoRA adapters running now and the slot count (`vllm:lora_requests_info`). */
  runningAdapters?: string[];
  maxLoras?: number;
  /** Cumulative preemptions (vLLM). */
  preemptions?: number;
}

/**
 * Reads load signals from a scrape of any supported engine: vLLM's current names and its
 * deprecated v0 ones (summed over the `engine` label), SGLang, TGI, llama.cpp, and TensorRT-LLM
 * serve (../shared/notes/gpu-serving.md §3). Absent signals stay undefined; nothing is guessed.
 */
export function loadSignals(samples: MetricSamples): LoadSignals {
  const out: LoadSignals = {};
  const set = <K extends keyof LoadSignals>(key: K, value: LoadSignals[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set(
    "running",
    sumOf(
      samples,
      "vllm:num_requests_running",
      "sglang:num_running_reqs",
      "tgi_batch_current_size",
      "llamacpp:requests_processing",
      "trtllm_num_requests_running",
    ),
  );
  set(
    "waiting",
    sumOf(
      samples,
      "vllm:num_requests_waiting",
      "sglang:num_queue_reqs",
      "tgi_queue_size",
      "llamacpp:requests_deferred",
      "trtllm_num_requests_waiting",
    ),
  );
  set(
    "kvUsage",
    meanOf(
      samples,
      "vllm:kv_cache_usage_perc",
      "vllm:gpu_cache_usage_perc",
      "sglang:token_usage",
      "llamacpp:kv_cache_usage_ratio",
      "trtllm_kv_cache_utilization",
    ),
  );
  set(
    "prefixQueries",
    sumOf(samples, "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"),
  );
  set("prefixHits", sumOf(samples, "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"));
  const gauge = meanOf(samples, "sglang:cache_hit_rate", "vllm:gpu_prefix_cache_hit_rate");
  if (gauge !== undefined && gauge >= 0) out.prefixHitRateGauge = gauge;
  set("preemptions", sumOf(samples, "vllm:num_preemptions_total"));
  const vllmCache = labelsOf(samples, "vllm:cache_config_info");
  const sglangCache = labelsOf(samples, "sglang:cache_config_info");
  set("blockSize", numberLabel(vllmCache?.block_size ?? sglangCache?.page_size));
  set("numGpuBlocks", numberLabel(vllmCache?.num_gpu_blocks ?? sglangCache?.num_pages));
  const lora = labelsOf(samples, "vllm:lora_requests_info");
  if (lora) {
    out.runningAdapters = (lora.running_lora_adapters ?? "").split(",").filter(Boolean);
    set("maxLoras", numberLabel(lora.max_lora));
  }
  return out;
}

function numberLabel(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The prefix-cache hit rate between two scrapes, from the token counters (a rate, not vLLM's cumulative ratio). */
export function prefixHitRate(previous: LoadSignals | undefined, current: LoadSignals): number | undefined {
  if (current.prefixQueries !== undefined && current.prefixHits !== undefined) {
    const dq = current.prefixQueries - (previous?.prefixQueries ?? 0);
    const dh = current.prefixHits - (previous?.prefixHits ?? 0);
    // A counter that went down means the server restarted: use the new totals.
    if (dq < 0 || dh < 0)
      return current.prefixQueries > 0 ? current.prefixHits / current.prefixQueries : undefined;
    return dq > 0 ? dh / dq : undefined;
  }
  return current.prefixHitRateGauge;
}

/** llama.cpp `/slots`: how many slots are processing, of how many. */
export function slotsLoad(slots: unknown): { busy: number; total: number } | undefined {
  if (!Array.isArray(slots)) return undefined;
  let busy = 0;
  for (const slot of slots) if ((slot as { is_processing?: unknown })?.is_processing === true) busy++;
  return { busy, total: slots.length };
}
