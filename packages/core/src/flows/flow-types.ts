import type { z } from "zod";
import type { KeelError } from "../errors.js";
import type { Middleware } from "../model.js";
import type { StepIO } from "./step-io.js";

/** Types a flow's context without validating it at run time; see `flowContext`. */
export interface ContextType<Ctx> {
  readonly kind: "keel.flow-context";
  /** Never set; carries the type. */
  readonly type?: Ctx;
}

/** Declares a flow's context type when you do not want a zod schema: `context: flowContext<MyCtx>()`. */
export function flowContext<Ctx>(): ContextType<Ctx> {
  return { kind: "keel.flow-context" };
}

/** A zod schema (validated on input and after every step) or a type-only declaration. */
export type ContextSpec<Ctx> = z.ZodType<Ctx> | ContextType<Ctx>;

/** The context type a spec declares. */
export type ContextOf<C> = C extends ContextType<infer T> ? T : C extends z.ZodType<infer T> ? T : never;

/** What a step returns: the context fields it changes (merged shallowly), or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: lets steps without a return statement type-check.
export type Patch<Ctx> = Partial<Ctx> | undefined | void;

/** Run facts a guard may use besides the context. */
export interface RouteInfo {
  /** Steps completed, including the one just finished. */
  step: number;
  /** How many times a state has been entered in this run so far. */
  visits(state: string): number;
}

/** Decides whether a transition is taken; must be pure (it is re-evaluated after a resume). */
export type Guard<Ctx> = (ctx: Ctx, info: RouteInfo) => boolean;

/** An edge to another state, taken when `when` holds (or always, when it has no guard). */
export interface Transition<Ctx, S extends string> {
  to: S;
  when?: Guard<Ctx>;
  /** Shown on the Mermaid edge. */
  label?: string;
}

/** Where to go after a step: a state name, or guarded transitions tried in order (first match wins). */
export type Next<Ctx, S extends string> = S | readonly Transition<Ctx, S>[];

/** How often to re-run a failing step, and how long to wait between attempts. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Wait before the second attempt. Default 200 ms. */
  delayMs?: number;
  /** Each further wait is multiplied by this. Default 2. */
  factor?: number;
  /** Default 10 s. */
  maxDelayMs?: number;
  /** Which errors to retry. Default: Keel errors marked retryable, and any non-Keel error. */
  retryOn?: (error: unknown) => boolean;
}

/** Retry and timeout settings any step may have. */
export interface StepPolicy {
  /** A policy, or a number of attempts. */
  retry?: RetryPolicy | number;
  /** Limit for each attempt; past it `io.signal` aborts, model calls get the deadline, and the attempt fails. */
  timeoutMs?: number;
  /**
   * Wraps every model call made through `io` in this step, e.g. `[retry(), fallback([backup])]`.
   * Each model is wrapped once per state and reused, so stateful middleware keeps its state.
   */
  middleware?: Middleware[];
  /** Shown in the Mermaid graph and docs. */
  description?: string;
}

/** A step's work: plain code or model calls made through `io`. */
export type StepAction<Ctx> = (ctx: Ctx, io: StepIO) => Patch<Ctx> | Promise<Patch<Ctx>>;

/** Computes a substitute result when a step failed after its retries. */
export type FallbackAction<Ctx> = (
  ctx: Ctx,
  error: KeelError,
  io: StepIO,
) => Patch<Ctx> | Promise<Patch<Ctx>>;

/** A step that runs code and moves on. */
export interface TaskState<Ctx, S extends string> extends StepPolicy {
  run: StepAction<Ctx>;
  next: Next<Ctx, S>;
  /** On failure after retries: go to this state (it sees `io.fallbackError`), or compute a substitute patch. */
  fallback?: S | FallbackAction<Ctx>;
}

/**
 * Parallel branches with a join: every branch runs (at most `concurrency` at once), each
 * branch's result is recorded so a retry or resume re-runs only unfinished branches, and
 * `join` folds the results into the context. Branch results must be JSON values.
 */
export interface ParallelState<Ctx, S extends string> extends StepPolicy {
  branches: Record<string, (ctx: Ctx, io: StepIO) => unknown>;
  join: (ctx: Ctx, results: Record<string, unknown>) => Patch<Ctx>;
  concurrency?: number;
  next: Next<Ctx, S>;
  fallback?: S | FallbackAction<Ctx>;
}

/** The outcome of an evaluation step's check. */
export interface Verdict {
  pass: boolean;
  /** Skip further retries and go straight to `onEscalate`. */
  escalate?: boolean;
  /** Why it failed; record it into the context for the step you send the flow back to. */
  feedback?: string;
  score?: number;
}

/** Where an evaluation step sent the flow. */
export type CheckRoute = "pass" | "retry" | "escalate";

/**
 * "Evaluate before showing the user": runs `check`; on pass goes to `onPass`; on failure sends
 * the flow back to `onFail` at most `maxRetries` times per run, then (or when the verdict says
 * `escalate`) goes to `onEscalate`.
 */
export interface CheckState<Ctx, S extends string> extends StepPolicy {
  check: (ctx: Ctx, io: StepIO) => Verdict | Promise<Verdict>;
  onPass: S;
  onFail: S;
  onEscalate: S;
  maxRetries: number;
  /** Folds the verdict into the context, e.g. to give the redo step the feedback. */
  record?: (ctx: Ctx, verdict: Verdict & { route: CheckRoute; failures: number }) => Patch<Ctx>;
}

/** Context fields a truncation step can fit: texts and message lists. */
export type TruncatableKey<Ctx> = {
  [K in keyof Ctx]-?: NonNullable<Ctx[K]> extends string | readonly unknown[] ? K : never;
}[keyof Ctx] &
  string;

/**
 * What a truncation step fits, and to what budget. For strategy-based fitting of a whole
 * request (summaries, tool-result dedupe), call `fitToBudget` from a task step instead.
 */
export interface TruncateSpec<Ctx> {
  /** The context field to fit (a string or a `Message[]`); the cut value replaces it. */
  field: TruncatableKey<Ctx>;
  maxTokens: number;
  /** Default: about 4 characters a token. */
  countTokens?: (text: string) => number;
  /** For texts: keep the start (default) or the end. Conversations keep system turns and the latest turns. */
  keep?: "start" | "end";
}

/** A built-in step that fits a text or conversation in the context to a token budget and reports the cut. */
export interface TruncateState<Ctx, S extends string> extends StepPolicy {
  truncate: TruncateSpec<Ctx>;
  next: Next<Ctx, S>;
}

/** A state that ends the run, optionally running a last action first. */
export interface TerminalState<Ctx> extends StepPolicy {
  terminal: true;
  run?: StepAction<Ctx>;
}

/** Any state of a flow. */
export type StateDefinition<Ctx, S extends string> =
  | TaskState<Ctx, S>
  | ParallelState<Ctx, S>
  | CheckState<Ctx, S>
  | TruncateState<Ctx, S>
  | TerminalState<Ctx>;

/** A flow: its id, context, initial state, states, and step limit. */
export interface FlowDefinition<Ctx, S extends string> {
  /** Stored in checkpoints; a resume checks it. */
  id: string;
  /** The context's shape: `z.object({...})` (validated) or `flowContext<MyType>()` (type only). */
  context: ContextSpec<Ctx>;
  initial: NoInfer<S>;
  states: { [K in S]: StateDefinition<Ctx, NoInfer<S>> };
  /** Steps a run may take, terminal step included. Default 100. */
  maxSteps?: number;
  description?: string;
}
