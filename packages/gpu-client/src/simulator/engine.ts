import { blockHashes } from "../block-hash.js";
import { Histogram } from "./histogram.js";
import { KvBlockPool } from "./kv-block-pool.js";
import type { ReplicaParams } from "./sim-params.js";
import { stepMs } from "./step-time.js";

/** Characters per simulated token: the simulator "tokenizes" text at 4 characters a token. */
export const CHARS_PER_TOKEN = 4;

/** Where a request's output goes, called at the end of the step that produced it. */
export interface TokenSink {
  /** `count` new output tokens; `first` on the request's first one. */
  tokens(count: number, first: boolean): void;
  /** The request ended: it produced `maxTokens` tokens, or was aborted. */
  finished(reason: "length" | "abort", usage: SequenceUsage): void;
}

/** What a finished request used, and when (simulated ms since the engine started) it arrived, got its first token and ended. */
export interface SequenceUsage {
  promptTokens: number;
  outputTokens: number;
  cachedTokens: number;
  arrivedAt: number;
  firstTokenAt: number | undefined;
  finishedAt: number;
}

/** What a finished request used, and when (simulated ms since the engine started) it arrived, got its first token and ended. */
export interface SequenceUsage {
  promptTokens: number;
  outputTokens: number;
  cachedTokens: number;
  arrivedAt: number;
  firstTokenAt: number | undefined;
  finishedAt: number;
}

/** A request for the engine: prompt text, output length, adapter. */
export interface EngineRequestInit {
  prompt: string;
  maxTokens: number;
  /** A LoRA adapter's name: its blocks are cached apart from the base model's. */
  adapter?: string;
  sink: TokenSink;
}

interface Sequence {
  readonly id: number;
  readonly promptTokens: number;
  readonly hashes: number[];
  readonly maxTokens: number;
  readonly sink: TokenSink;
  readonly adapter: string | undefined;
  readyAt: number;
  arrivedAt: number;
  admittedAt: number | undefined;
  /** Tokens whose KV is computed (prompt and recomputed output). */
  computed: number;
  /** Tokens to compute before decoding (the prompt, plus earlier output after a preemption). */
  target: number;
  generated: number;
  cachedTokens: number;
  blocks: number[];
  firstTokenAt: number | undefined;
  aborted: boolean;
  counted: boolean;
  running: boolean;
}

/** Cumulative engine counters, in the units vLLM's metrics use. */
export interface EngineCounters {
  promptTokens: number;
  generationTokens: number;
  prefixQueries: number;
  prefixHits: number;
  preemptions: number;
  finishedLength: number;
  finishedAbort: number;
  steps: number;
  /** Simulated ms the engine fell behind real time with work pending (CPU too slow for the time scale). */
  lagMs: number;
}

/** Latency histograms (simulated seconds) for `/metrics`. */
export interface EngineLatencies {
  ttft: Histogram;
  e2e: Histogram;
  queue: Histogram;
}

/**
 * A vLLM-V1-like engine: continuous batching in steps (decodes first, then chunked prefill up
 * to the token budget), FCFS admission gated by free KV blocks with a watermark, prefix caching
 * by chained block hashes, recompute preemption of the latest admitted sequence when a decode
 * needs a block and none is free. Step time follows `stepMs`. The simulated clock runs
 * `timeScale` times faster than the real one and never runs ahead of it.
 */
export class SimEngine {
  readonly params: ReplicaParams;
  readonly pool: KvBlockPool;
  readonly counters: EngineCounters = {
    promptTokens: 0,
    generationTokens: 0,
    prefixQueries: 0,
    prefixHits: 0,
    preemptions: 0,
    finishedLength: 0,
    finishedAbort: 0,
    steps: 0,
    lagMs: 0,
  };
  readonly latencies: EngineLatencies = {
    ttft: new Histogram(),
    e2e: new Histogram(),
    queue: new Histogram(),
  };
  /** Multiplies every step's time (the "slow" fault). */
  slowdown = 1;
  /** While true no step runs (the "hang" fault): requests queue and nothing comes out. */
  paused = false;
  /**
   * How far (real ms) the simulated clock may run ahead of the real one, so that steps shorter
   * than a timer's resolution still run on time; output may come out up to this much early.
   */
  leadMs = 1.5;

  #nextId = 1;
  #waiting: Sequence[] = [];
  #running: Sequence[] = [];
  #sim = 0;
  readonly #realStart = performance.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stepping = false;
  #closed = false;

  readonly #virtual: boolean;

  /** `virtual`: no timers and no real clock; time moves only through `runOffline`. */
  constructor(params: ReplicaParams, options: { virtual?: boolean } = {}) {
    this.params = params;
    this.pool = new KvBlockPool(params.numGpuBlocks);
    this.#virtual = options.virtual ?? false;
  }

  /** A virtual engine's step in progress: what it does and when it ends. */
  #pending: { plan: Plan; end: number } | undefined;

  /**
   * The next simulated time at which a virtual engine has something to do (a step ends, a
   * queued request becomes ready); Infinity when idle.
   */
  nextEventTime(): number {
    if (this.#closed) return Infinity;
    if (this.#pending) return this.#pending.end;
    if (this.paused) return Infinity;
    if (this.#running.length > 0) return this.#sim;
    let next = Infinity;
    for (const s of this.#waiting) next = Math.min(next, s.readyAt);
    // A ready request with an idle engine that still cannot run never will: nothing to wait for.
    return next > this.#sim ? next : Infinity;
  }

  /**
   * Moves a virtual engine's clock to `time`, running every step that starts and ends by then;
   * a step that ends later stays in progress (requests that arrive meanwhile join at its end).
   */
  advanceTo(time: number): void {
    if (!this.#virtual) throw new Error("advanceTo needs an engine made with { virtual: true }");
    for (;;) {
      if (this.#closed) break;
      if (this.#pending) {
        if (this.#pending.end > time) break;
        const { plan, end } = this.#pending;
        this.#pending = undefined;
        this.#sim = end;
        this.#apply(plan);
        continue;
      }
      if (this.paused) break;
      this.#reap();
      const plan = this.#schedule();
      if (plan) {
        this.#pending = { plan, end: this.#sim + stepMs(plan.work, this.params) * this.slowdown };
        continue;
      }
      let ready = Infinity;
      for (const s of this.#waiting) ready = Math.min(ready, s.readyAt);
      // Nothing can run before `ready` (or, at all, a request that can never be admitted).
      if (ready > time || ready <= this.#sim) break;
      this.#sim = ready;
    }
    this.#sim = Math.max(this.#sim, time);
  }

  /**
   * Runs a whole arrival schedule on the simulated clock alone, as fast as the CPU allows (a
   * virtual engine only): each request's time to first token and end-to-end latency, in
   * simulated ms, in the order given.
   */
  runOffline(
    arrivals: readonly { at: number; prompt: string; maxTokens: number }[],
  ): { ttftMs: number; e2eMs: number }[] {
    if (!this.#virtual) throw new Error("runOffline needs an engine made with { virtual: true }");
    const results = arrivals.map(() => ({ ttftMs: Number.NaN, e2eMs: Number.NaN }));
    const order = arrivals.map((_, i) => i).sort((a, b) => arrivals[a]!.at - arrivals[b]!.at);
    for (const i of order) {
      const a = arrivals[i]!;
      this.advanceTo(a.at);
      this.submit({
        prompt: a.prompt,
        maxTokens: a.maxTokens,
        sink: {
          tokens: (_n, first) => {
            if (first) results[i]!.ttftMs = this.#sim - a.at;
          },
          finished: () => {
            results[i]!.e2eMs = this.#sim - a.at;
          },
        },
      });
    }
    while (this.nextEventTime() < Infinity) this.advanceTo(this.nextEventTime());
    return results;
  }

  /** Simulated milliseconds since the engine started. */
  get now(): number {
    return Math.max(this.#sim, this.#realNow());
  }
  get running(): number {
    return this.#running.length;
  }
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Queues a request; returns a function that aborts it. */
  submit(init: EngineRequestInit): () => void {
    const promptTokens = Math.max(1, Math.ceil(init.prompt.length / CHARS_PER_TOKEN));
    const hashes = blockHashes(init.prompt, this.params.blockSize * CHARS_PER_TOKEN, init.adapter ?? "");
    const now = this.#realNow();
    const seq: Sequence = {
      id: this.#nextId++,
      promptTokens,
      hashes,
      maxTokens: Math.max(1, init.maxTokens),
      sink: init.sink,
      adapter: init.adapter,
      arrivedAt: now,
      readyAt: now + this.params.requestOverheadMs,
      admittedAt: undefined,
      computed: 0,
      target: promptTokens,
      generated: 0,
      cachedTokens: 0,
      blocks: [],
      firstTokenAt: undefined,
      aborted: false,
      counted: false,
      running: false,
    };
    this.#waiting.push(seq);
    this.#kick();
    return () => {
      if (seq.aborted || seq.generated >= seq.maxTokens) return;
      seq.aborted = true;
      this.#kick();
    };
  }

  /** Stops the clock and drops every request without telling their sinks (a crash). */
  crash(): void {
    this.#closed = true;
    this.#pending = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#waiting = [];
    this.#running = [];
  }

  /** Resumes stepping after `paused` was cleared. */
  resume(): void {
    this.paused = false;
    this.#kick();
  }

  #realNow(): number {
    if (this.#virtual) return this.#sim;
    return (performance.now() - this.#realStart) * this.params.timeScale;
  }

  #kick(): void {
    if (this.#virtual || this.#stepping || this.#closed || this.paused) return;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#loop();
  }

  #loop(): void {
    // Steps whose end is less than `leadMs` (real) ahead of the real clock run at once: a timer
    // cannot wait less than about a millisecond, and at a high time scale a step is shorter.
    const lead = this.leadMs * this.params.timeScale;
    for (let chained = 0; ; chained++) {
      if (this.#closed || this.paused) {
        this.#stepping = false;
        return;
      }
      const real = this.#realNow();
      if (real > this.#sim) {
        if (this.#stepping) this.counters.lagMs += real - this.#sim;
        this.#sim = real;
      }
      this.#reap();
      const plan = this.#schedule();
      if (!plan) {
        this.#stepping = false;
        const next = this.#waiting.reduce((m, s) => Math.min(m, s.readyAt), Infinity);
        if (next !== Infinity) this.#wakeAt(next, () => this.#loop());
        return;
      }
      this.#stepping = true;
      const end = this.#sim + stepMs(plan.work, this.params) * this.slowdown;
      if (end - real > lead || chained >= 64) {
        this.#wakeAt(end - lead, () => {
          this.#sim = Math.max(this.#sim, end);
          this.#apply(plan);
          this.#loop();
        });
        return;
      }
      this.#sim = end;
      this.#apply(plan);
    }
  }

  #wakeAt(simTime: number, run: () => void): void {
    const delay = Math.max(0, (simTime - this.#realNow()) / this.params.timeScale);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, delay);
  }

  /** Ends aborted sequences and frees their blocks. */
  #reap(): void {
    const keep = (s: Sequence) => {
      if (!s.aborted) return true;
      s.running = false;
      this.#end(s, "abort");
      return false;
    };
    this.#running = this.#running.filter(keep);
    this.#waiting = this.#waiting.filter(keep);
  }

  #schedule(): Plan | undefined {
    const p = this.params;
    let budget = p.maxNumBatchedTokens;
    const decodes: Sequence[] = [];
    const prefills: { seq: Sequence; tokens: number }[] = [];
    let contextTokens = 0;
    // Decodes first: one token each, a new block when the sequence crosses a block boundary.
    for (let i = 0; i < this.#running.length && budget > 0; i++) {
      const seq = this.#running[i]!;
      if (seq.computed < seq.target) continue;
      const length = seq.promptTokens + seq.generated + 1;
      if (Math.ceil(length / p.blockSize) > seq.blocks.length) {
        let block = this.pool.allocate();
        while (block === undefined) {
          const victim = this.#running[this.#running.length - 1]!;
          this.#preempt(victim);
          if (victim === seq) break;
          block = this.pool.allocate();
        }
        if (block === undefined) break;
        seq.blocks.push(block);
      }
      decodes.push(seq);
      contextTokens += length;
      budget--;
    }
    // Chunked prefill of sequences already running.
    for (const seq of this.#running) {
      if (budget <= 0) break;
      if (seq.computed >= seq.target) continue;
      const tokens = Math.min(seq.target - seq.computed, budget);
      prefills.push({ seq, tokens });
      contextTokens += seq.computed + tokens;
      budget -= tokens;
    }
    // FCFS admission: the head waits for blocks, and nobody overtakes it.
    while (budget > 0 && this.#running.length < p.maxNumSeqs && this.#waiting.length > 0) {
      const seq = this.#waiting[0]!;
      if (seq.readyAt > this.#sim) break;
      if (!this.#admit(seq)) break;
      this.#waiting.shift();
      this.#running.push(seq);
      seq.running = true;
      const tokens = Math.min(seq.target - seq.computed, budget);
      prefills.push({ seq, tokens });
      contextTokens += seq.computed + tokens;
      budget -= tokens;
    }
    if (decodes.length === 0 && prefills.length === 0) return undefined;
    let prefillTokens = 0;
    for (const f of prefills) prefillTokens += f.tokens;
    return { decodes, prefills, work: { prefillTokens, decodeSeqs: decodes.length, contextTokens } };
  }

  /** Allocates the blocks a waiting sequence's prefill needs, reusing cached prefix blocks. */
  #admit(seq: Sequence): boolean {
    const p = this.params;
    const needed = Math.ceil((seq.target + 1) / p.blockSize);
    // At least one token is computed, so a fully cached prompt still runs one prefill token.
    const cachedBlocks = Math.min(
      this.pool.cachedPrefix(seq.hashes),
      Math.floor((seq.target - 1) / p.blockSize),
    );
    const fresh = needed - cachedBlocks;
    if (this.pool.free - fresh < p.watermark * this.pool.total) return false;
    seq.blocks = this.pool.acquireCached(seq.hashes, cachedBlocks);
    for (let i = 0; i < fresh; i++) seq.blocks.push(this.pool.allocate()!);
    seq.computed = cachedBlocks * p.blockSize;
    if (!seq.counted) {
      seq.counted = true;
      seq.cachedTokens = seq.computed;
      this.counters.prefixQueries += seq.promptTokens;
      this.counters.prefixHits += seq.computed;
      this.counters.promptTokens += seq.promptTokens;
    }
    if (seq.admittedAt === undefined) {
      seq.admittedAt = this.#sim;
      this.latencies.queue.observe((this.#sim - seq.arrivedAt) / 1000);
    }
    return true;
  }

  /** Recompute preemption: free the sequence's blocks and put it back at the head of the queue. */
  #preempt(seq: Sequence): void {
    this.#running.splice(this.#running.indexOf(seq), 1);
    seq.running = false;
    this.#register(seq);
    this.pool.release(seq.blocks);
    seq.blocks = [];
    seq.computed = 0;
    // Its output so far is recomputed as part of the prompt when it resumes.
    seq.target = seq.promptTokens + seq.generated;
    this.#waiting.unshift(seq);
    this.counters.preemptions++;
  }

  /** Registers the sequence's full prompt blocks in the prefix cache. */
  #register(seq: Sequence): void {
    const full = Math.min(
      seq.hashes.length,
      Math.floor(seq.computed / this.params.blockSize),
      seq.blocks.length,
    );
    for (let i = 0; i < full; i++) this.pool.register(seq.blocks[i]!, seq.hashes[i]!);
  }

  #apply(plan: Plan): void {
    this.counters.steps++;
    const now = this.#sim;
    const emitted: Sequence[] = [];
    for (const { seq, tokens } of plan.prefills) {
      if (!seq.running) continue;
      seq.computed += tokens;
      if (seq.computed >= seq.target) {
        this.#register(seq);
        emitted.push(seq);
      }
    }
    for (const seq of plan.decodes) if (seq.running) emitted.push(seq);
    for (const seq of emitted) {
      if (seq.aborted) continue;
      seq.generated++;
      this.counters.generationTokens++;
      const first = seq.firstTokenAt === undefined;
      if (first) {
        seq.firstTokenAt = now;
        this.latencies.ttft.observe((now - seq.arrivedAt) / 1000);
      }
      seq.sink.tokens(1, first);
      if (seq.generated >= seq.maxTokens) {
        this.#running.splice(this.#running.indexOf(seq), 1);
        seq.running = false;
        this.#end(seq, "length");
      }
    }
  }

  #end(seq: Sequence, reason: "length" | "abort"): void {
    this.#register(seq);
    this.pool.release(seq.blocks);
    seq.blocks = [];
    if (reason === "length") {
      this.counters.finishedLength++;
      this.latencies.e2e.observe((this.#sim - seq.arrivedAt) / 1000);
    } else this.counters.finishedAbort++;
    seq.sink.finished(reason, {
      promptTokens: seq.promptTokens,
      outputTokens: seq.generated,
      cachedTokens: seq.cachedTokens,
      arrivedAt: seq.arrivedAt,
      firstTokenAt: seq.firstTokenAt,
      finishedAt: this.#sim,
    });
  }
}

interface Plan {
  decodes: Sequence[];
  prefills: { seq: Sequence; tokens: number }[];
  work: { prefillTokens: number; decodeSeqs: number; contextTokens: number };
}
