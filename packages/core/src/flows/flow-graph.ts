import type {
  CheckState,
  Next,
  ParallelState,
  StateDefinition,
  TaskState,
  TerminalState,
  Transition,
  TruncateState,
} from "./flow-types.js";

/** The four kinds of state; told apart by the fields a state has. */
export type StateKind = "task" | "parallel" | "check" | "truncate" | "terminal";

/** An edge of a flow's graph. */
export interface FlowEdge {
  from: string;
  to: string;
  kind: "next" | "fallback" | "pass" | "retry" | "escalate";
  /** The transition's label, if any. */
  label?: string;
  guarded: boolean;
}

type AnyState = StateDefinition<any, string>;

/** Which kind of state a definition is. */
export function kindOf(state: AnyState): StateKind {
  if ((state as TerminalState<unknown>).terminal === true) return "terminal";
  if ("branches" in state) return "parallel";
  if ("check" in state) return "check";
  if ("truncate" in state) return "truncate";
  return "task";
}

/** A `next` value as a list of transitions. */
export function transitionsOf<Ctx, S extends string>(next: Next<Ctx, S> | undefined): Transition<Ctx, S>[] {
  if (typeof next === "string") return [{ to: next }];
  // Tolerates malformed input so validation can report it instead of crashing.
  return Array.isArray(next) ? next.filter((t) => typeof t === "object" && t !== null) : [];
}

/** Every edge leaving a state, in the order they are considered. */
export function edgesOf(name: string, state: AnyState): FlowEdge[] {
  const kind = kindOf(state);
  if (kind === "terminal") return [];
  if (kind === "check") {
    const c = state as CheckState<unknown, string>;
    return [
      { from: name, to: c.onPass, kind: "pass", guarded: true },
      { from: name, to: c.onFail, kind: "retry", guarded: true },
      { from: name, to: c.onEscalate, kind: "escalate", guarded: true },
    ];
  }
  const s = state as
    | TaskState<unknown, string>
    | ParallelState<unknown, string>
    | TruncateState<unknown, string>;
  const edges: FlowEdge[] = transitionsOf(s.next).map((t) => ({
    from: name,
    to: t.to,
    kind: "next",
    guarded: t.when !== undefined,
    ...(t.label !== undefined ? { label: t.label } : {}),
  }));
  if ("fallback" in s && typeof s.fallback === "string")
    edges.push({ from: name, to: s.fallback, kind: "fallback", guarded: true });
  return edges;
}
