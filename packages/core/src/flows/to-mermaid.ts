import { edgesOf, kindOf, transitionsOf } from "./flow-graph.js";
import type {
  CheckState,
  FlowDefinition,
  ParallelState,
  StateDefinition,
  TaskState,
  TruncateState,
} from "./flow-types.js";

type AnyState = StateDefinition<any, string>;

/**
 * The flow's graph as a Mermaid `stateDiagram-v2`: transitions with their labels (guards
 * without a label show as `guard`, the unguarded last one as `otherwise`), fallbacks as
 * `on error`, evaluation outcomes, parallel branches as notes, and terminal states.
 */
export function toMermaid(flow: { definition: FlowDefinition<any, any> } | FlowDefinition<any, any>): string {
  const def = ("definition" in flow ? flow.definition : flow) as FlowDefinition<any, string>;
  const states = def.states as Record<string, AnyState>;
  const names = Object.keys(states);
  const ids = new Map(names.map((n, i) => [n, /^[A-Za-z_]\w*$/.test(n) ? n : `s${i}`]));
  const id = (n: string) => ids.get(n) ?? n;
  const lines = ["stateDiagram-v2"];
  for (const n of names) {
    if (id(n) !== n) lines.push(`  state "${clean(n)}" as ${id(n)}`);
    const description = states[n]!.description ?? truncationNote(states[n]!);
    if (description) lines.push(`  ${id(n)} : ${clean(description)}`);
  }
  lines.push(`  [*] --> ${id(def.initial)}`);
  for (const n of names) {
    const state = states[n]!;
    const kind = kindOf(state);
    if (kind === "terminal") {
      lines.push(`  ${id(n)} --> [*]`);
      continue;
    }
    const transitions = kind === "check" ? [] : transitionsOf((state as TaskState<unknown, string>).next);
    for (const edge of edgesOf(n, state)) {
      const label = labelOf(edge.kind, state, transitions, edge.to, edge.label);
      lines.push(`  ${id(n)} --> ${id(edge.to)}${label ? ` : ${clean(label)}` : ""}`);
    }
    if (kind === "parallel")
      lines.push(
        `  note right of ${id(n)} : parallel ${Object.keys((state as ParallelState<unknown, string>).branches).join(", ")}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

function labelOf(
  kind: string,
  state: AnyState,
  transitions: { to: string; when?: unknown }[],
  to: string,
  label: string | undefined,
): string {
  if (label !== undefined) return label;
  if (kind === "fallback") return "on error";
  if (kind === "pass") return "pass";
  if (kind === "retry") return `fail (at most ${(state as CheckState<unknown, string>).maxRetries}x)`;
  if (kind === "escalate") return "escalate";
  const t = transitions.find((x) => x.to === to);
  if (t?.when !== undefined) return "guard";
  return transitions.length > 1 ? "otherwise" : "";
}

function truncationNote(state: AnyState): string | undefined {
  if (kindOf(state) !== "truncate") return undefined;
  const spec = (state as TruncateState<any, string>).truncate;
  return `truncate ${spec.field} to ${spec.maxTokens} tokens`;
}

function clean(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[:;"]/g, " ")
    .trim();
}
