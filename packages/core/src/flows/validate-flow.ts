import { FlowDefinitionError } from "./flow-errors.js";
import { edgesOf, kindOf } from "./flow-graph.js";
import type { FlowDefinition, StateDefinition, StepPolicy } from "./flow-types.js";

type AnyState = StateDefinition<any, string>;

/**
 * Lists what is wrong with a flow definition: a missing or unknown initial state, states of
 * an unknown shape, transitions to unknown states, transitions that can never be taken,
 * unreachable states, no terminal state, states that cannot reach one, and bad limits.
 */
export function flowProblems(definition: FlowDefinition<any, string>): string[] {
  const problems: string[] = [];
  if (typeof definition.id !== "string" || definition.id === "")
    problems.push("the flow needs a non-empty `id`");
  const states = (definition.states ?? {}) as Record<string, AnyState>;
  const names = Object.keys(states);
  if (names.length === 0) return [...problems, "the flow has no states"];
  const known = new Set(names);
  const list = names.map((n) => `"${n}"`).join(", ");
  if (definition.initial === undefined) problems.push("the flow has no `initial` state");
  else if (!known.has(definition.initial))
    problems.push(`the initial state "${definition.initial}" is not defined (states: ${list})`);
  if (
    definition.maxSteps !== undefined &&
    !(Number.isInteger(definition.maxSteps) && definition.maxSteps >= 1)
  )
    problems.push(`maxSteps must be a positive integer, got ${definition.maxSteps}`);

  for (const name of names) problems.push(...stateProblems(name, states[name]!, known));

  const terminals = names.filter((n) => kindOf(states[n]!) === "terminal");
  if (terminals.length === 0) problems.push("the flow has no terminal state (`terminal: true`)");
  if (known.has(definition.initial)) {
    const reachable = reach([definition.initial], (n) => edgesOf(n, states[n]!).map((e) => e.to), known);
    const unreachable = names.filter((n) => !reachable.has(n));
    if (unreachable.length)
      problems.push(
        `unreachable from "${definition.initial}": ${unreachable.map((n) => `"${n}"`).join(", ")}`,
      );
  }
  if (terminals.length) {
    const incoming = new Map<string, string[]>();
    for (const n of names)
      for (const e of edgesOf(n, states[n]!)) incoming.set(e.to, [...(incoming.get(e.to) ?? []), n]);
    const canFinish = reach(terminals, (n) => incoming.get(n) ?? [], known);
    const stuck = names.filter((n) => !canFinish.has(n));
    if (stuck.length)
      problems.push(`no path to a terminal state from: ${stuck.map((n) => `"${n}"`).join(", ")}`);
  }
  return problems;
}

/** Throws `FlowDefinitionError` listing every problem, if there is any. */
export function assertValidFlow(definition: FlowDefinition<any, string>): void {
  const problems = flowProblems(definition);
  if (problems.length) throw new FlowDefinitionError(String(definition.id ?? "?"), problems);
}

function stateProblems(name: string, state: AnyState, known: Set<string>): string[] {
  if (typeof state !== "object" || state === null) return [`state "${name}" is not an object`];
  const problems: string[] = [];
  const at = `state "${name}"`;
  const kind = kindOf(state);
  const s = state as unknown as Record<string, unknown>;
  const fn = (field: string) => {
    if (typeof s[field] !== "function") problems.push(`${at} needs a \`${field}\` function`);
  };
  if (kind === "terminal") {
    for (const field of ["next", "fallback", "branches", "check"])
      if (field in s) problems.push(`${at} is terminal but has \`${field}\``);
    if (s.run !== undefined) fn("run");
  } else if (kind === "check") {
    fn("check");
    for (const field of ["onPass", "onFail", "onEscalate"])
      if (typeof s[field] !== "string") problems.push(`${at} needs \`${field}\` (a state name)`);
    if (!(Number.isInteger(s.maxRetries) && (s.maxRetries as number) >= 0))
      problems.push(`${at}: maxRetries must be an integer >= 0`);
  } else {
    if (kind === "parallel") {
      const branches = s.branches as Record<string, unknown>;
      if (typeof branches !== "object" || branches === null || Object.keys(branches).length === 0)
        problems.push(`${at} needs at least one branch`);
      else
        for (const [b, f] of Object.entries(branches))
          if (typeof f !== "function") problems.push(`${at}: branch "${b}" is not a function`);
      fn("join");
    } else if (kind === "truncate") {
      const spec = s.truncate as Record<string, unknown> | undefined;
      if (typeof spec?.field !== "string") problems.push(`${at}: truncate needs a \`field\``);
      if (!(Number.isInteger(spec?.maxTokens) && (spec?.maxTokens as number) > 0))
        problems.push(`${at}: truncate.maxTokens must be a positive integer`);
    } else fn("run");
    if (s.next === undefined) problems.push(`${at} has no \`next\` and is not terminal`);
    problems.push(...transitionProblems(at, s));
  }
  problems.push(...policyProblems(at, state));
  for (const edge of edgesOf(name, state))
    if (typeof edge.to === "string" && !known.has(edge.to))
      problems.push(
        `${at}: ${edge.kind === "next" ? "transition" : edge.kind} target "${edge.to}" is not defined`,
      );
  return problems;
}

function transitionProblems(at: string, s: Record<string, unknown>): string[] {
  if (s.next === undefined) return [];
  if (typeof s.next !== "string" && !Array.isArray(s.next))
    return [`${at}: \`next\` must be a state name or a list of transitions`];
  const transitions = (typeof s.next === "string" ? [{ to: s.next }] : s.next) as Array<
    { to?: unknown; when?: unknown } | undefined
  >;
  if (transitions.length === 0) return [`${at} has an empty \`next\` list`];
  const problems: string[] = [];
  transitions.forEach((t, i) => {
    if (typeof t?.to !== "string") problems.push(`${at}: transition ${i + 1} has no \`to\``);
    else if (t.when !== undefined && typeof t.when !== "function")
      problems.push(`${at}: the guard of the transition to "${t.to}" is not a function`);
  });
  const open = transitions.findIndex((t) => t?.when === undefined);
  if (open !== -1 && open < transitions.length - 1)
    problems.push(
      `${at}: the transition to "${transitions[open]!.to}" has no guard, so the ones after it can never be taken`,
    );
  return problems;
}

function policyProblems(at: string, policy: StepPolicy): string[] {
  const problems: string[] = [];
  const attempts = typeof policy.retry === "number" ? policy.retry : policy.retry?.attempts;
  if (policy.retry !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= 1))
    problems.push(`${at}: retry attempts must be an integer >= 1`);
  if (policy.timeoutMs !== undefined && !(policy.timeoutMs > 0))
    problems.push(`${at}: timeoutMs must be positive`);
  if (
    policy.middleware !== undefined &&
    !(Array.isArray(policy.middleware) && policy.middleware.every((m) => typeof m === "function"))
  )
    problems.push(`${at}: middleware must be a list of middleware functions`);
  return problems;
}

function reach(start: string[], neighbours: (n: string) => string[], known: Set<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length) {
    const n = queue.pop()!;
    if (seen.has(n) || !known.has(n)) continue;
    seen.add(n);
    queue.push(...neighbours(n));
  }
  return seen;
}
