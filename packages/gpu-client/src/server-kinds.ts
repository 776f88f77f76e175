/** The inference servers a fleet can mix. */
export type ServerKind = "vllm" | "sglang" | "tgi" | "ollama" | "llamacpp" | "nim" | "openai-compatible";

/** Where each function lives on one kind of server; `undefined` when the server has no such route. */
export interface ServerRoutes {
  chat: string;
  completions: string | undefined;
  embeddings: string | undefined;
  rerank: string | undefined;
  tokenize: string | undefined;
  /** Readiness: 200 when the model can serve. */
  health: string;
  /** Model (and adapter) discovery. */
  models: string;
  /** Prometheus text exposition. */
  metrics: string | undefined;
  /** The server's own limits (KV capacity, request and slot limits) where `/metrics` lacks them. */
  info: string | undefined;
  /** Load and unload LoRA adapters at run time. */
  loadAdapter: string | undefined;
  unloadAdapter: string | undefined;
}

/**
 * Each kind's routes (../shared/notes/gpu-serving.md §3): OpenAI-compatible for chat and
 * completions everywhere; native readiness (vLLM / SGLang / TGI / llama.cpp `/health`, NIM
 * `/v1/health/ready`, Ollama `/api/version`, which answers once the server is up), native
 * tokenize and metrics where the server has them. Ollama has no Prometheus metrics (ollama#3144).
 * `info` is where a server reports its limits outside `/metrics`: TGI `/info`, llama.cpp `/props`.
 */
export const SERVER_ROUTES: Record<ServerKind, ServerRoutes> = {
  vllm: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: "/v1/rerank",
    tokenize: "/tokenize",
    health: "/health",
    models: "/v1/models",
    metrics: "/metrics",
    info: undefined,
    loadAdapter: "/v1/load_lora_adapter",
    unloadAdapter: "/v1/unload_lora_adapter",
  },
  sglang: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: "/v1/rerank",
    tokenize: "/tokenize",
    health: "/health",
    models: "/v1/models",
    metrics: "/metrics",
    info: undefined,
    loadAdapter: "/load_lora_adapter",
    unloadAdapter: "/unload_lora_adapter",
  },
  tgi: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: undefined,
    rerank: undefined,
    tokenize: "/tokenize",
    health: "/health",
    models: "/v1/models",
    metrics: "/metrics",
    info: "/info",
    loadAdapter: undefined,
    unloadAdapter: undefined,
  },
  llamacpp: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: "/v1/rerank",
    tokenize: "/tokenize",
    health: "/health",
    models: "/v1/models",
    metrics: "/metrics",
    info: "/props",
    loadAdapter: undefined,
    unloadAdapter: undefined,
  },
  ollama: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: undefined,
    tokenize: undefined,
    health: "/api/version",
    models: "/api/tags",
    metrics: undefined,
    info: undefined,
    loadAdapter: undefined,
    unloadAdapter: undefined,
  },
  nim: {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: undefined,
    tokenize: undefined,
    health: "/v1/health/ready",
    models: "/v1/models",
    metrics: "/v1/metrics",
    info: undefined,
    loadAdapter: undefined,
    unloadAdapter: undefined,
  },
  "openai-compatible": {
    chat: "/v1/chat/completions",
    completions: "/v1/completions",
    embeddings: "/v1/embeddings",
    rerank: undefined,
    tokenize: undefined,
    health: "/v1/models",
    models: "/v1/models",
    metrics: undefined,
    info: undefined,
    loadAdapter: undefined,
    unloadAdapter: undefined,
  },
};

/** True for a known server kind. */
export function isServerKind(value: unknown): value is ServerKind {
  return typeof value === "string" && Object.hasOwn(SERVER_ROUTES, value);
}
