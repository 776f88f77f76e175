import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineFlow } from "./define-flow.js";
import { FlowDefinitionError, FlowRunError } from "./flow-errors.js";
import { type FlowDefinition, flowContext, type StateDefinition, type Transition } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

type Ctx = { x: number };
type Def = FlowDefinition<Ctx, string>;

const stateSpec = fc.record({
  kind: fc.constantFrom("task", "task", "check", "parallel"),
  mul: fc.integer({ min: 1, max: 7 }),
  add: fc.integer({ min: 0, max: 13 }),
  failMod: fc.integer({ min: 0, max: 9 }),
  fallback: fc.boolean(),
  extra: fc.array(fc.record({ target: fc.nat(), mod: fc.integer({ min: 2, max: 5 }), rem: fc.nat(4) }), {
    maxLength: 3,
  }),
  forward: fc.nat(),
  parent: fc.nat(),
  openLast: fc.boolean(),
  maxRetries: fc.nat(3),
});

/**
 * Random flows that are valid by construction: states s0..s(n-1), the last `terminals` of them
 * terminal; every state has an edge from an earlier non-terminal one (reachable) and every
 * non-terminal one an edge to a later state (can finish). Guards and actions are arithmetic on
 * `x`, some actions throw, some states have fallbacks, so runs end in every possible way.
 */
const validFlow = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc
    .record({
      terminals: fc.integer({ min: 1, max: Math.max(1, Math.min(3, n - 1)) }),
      specs: fc.array(stateSpec, { minLength: n, maxLength: n }),
      maxSteps: fc.integer({ min: 1, max: 30 }),
    })
    .map(({ terminals, specs, maxSteps }) => build(n, terminals, specs, maxSteps)),
);

type StateSpec = typeof stateSpec extends fc.Arbitrary<infer T> ? T : never;

function build(n: number, terminals: number, specs: StateSpec[], maxSteps: number): Def {
  const names = Array.from({ length: n }, (_, i) => `s${i}`);
  const firstTerminal = n - terminals;
  const children = new Map<number, number[]>();
  for (let i = 1; i < n; i++) {
    const parent = specs[i]!.parent % Math.min(i, firstTerminal);
    children.set(parent, [...(children.get(parent) ?? []), i]);
  }
  const states: Record<string, StateDefinition<Ctx, string>> = {};
  names.forEach((name, i) => {
    const spec = specs[i]!;
    if (i >= firstTerminal) {
      states[name] = { terminal: true };
      return;
    }
    const forward = names[i + 1 + (spec.forward % (n - 1 - i))]!;
    const kids = (children.get(i) ?? []).map((k) => names[k]!);
    const step = (ctx: Ctx) => {
      if (spec.failMod > 0 && ctx.x % spec.failMod === 0) throw new Error(`boom in ${name}`);
      return { x: (ctx.x * spec.mul + spec.add) % 101 };
    };
    if (spec.kind === "check" && kids.length <= 1) {
      states[name] = {
        check: (ctx) => ({ pass: ctx.x % 2 === 0, escalate: ctx.x % 7 === 0 }),
        onPass: forward,
        onFail: names[(spec.extra[0]?.target ?? 0) % n]!,
        onEscalate: kids[0] ?? forward,
        maxRetries: spec.maxRetries,
        record: (ctx) => step({ x: ctx.x + 1 }),
      };
      return;
    }
    const next: Transition<Ctx, string>[] = [
      ...spec.extra.map((e) => ({ to: names[e.target % n]!, when: (c: Ctx) => c.x % e.mod === e.rem })),
      ...kids.map((k, j) => ({ to: k, when: (c: Ctx) => c.x % 3 === j % 3 })),
      spec.openLast ? { to: forward } : { to: forward, when: (c: Ctx) => c.x % 2 === 0 },
    ];
    const fallback = spec.fallback ? { fallback: forward } : {};
    states[name] =
      spec.kind === "parallel"
        ? {
            branches: { a: (c: Ctx) => c.x * 2, b: (c: Ctx) => step(c).x },
            join: (_, r) => ({ x: ((r.a as number) + (r.b as number)) % 101 }),
            next,
            ...fallback,
          }
        : { run: step, next, ...fallback };
  });
  return { id: "random", context: flowContext<Ctx>(), initial: "s0", states, maxSteps };
}

const terminalsOf = (def: Def) =>
  Object.entries(def.states)
    .filter(([, s]) => (s as { terminal?: boolean }).terminal === true)
    .map(([n]) => n);

describe("flow properties", () => {
  it("never reaches an undefined state and ends in a terminal state or a typed error within the step limit", async () => {
    const endings = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(validFlow, fc.integer({ min: 0, max: 100 }), async (def, x) => {
        const flow = defineFlow(def);
        const defined = new Set(Object.keys(def.states));
        const visited: string[] = [];
        const store = new MemoryCheckpointStore();
        const outcome = await flow
          .run({ x }, { store, runId: "r", onCheckpoint: (c) => void visited.push(c.state, ...c.path) })
          .then(
            (result) => ({ ok: true as const, result }),
            (error: unknown) => ({ ok: false as const, error }),
          );
        const checkpoint = (await store.load("r"))!;
        for (const state of [...visited, checkpoint.state, ...checkpoint.path])
          expect(defined.has(state)).toBe(true);
        expect(checkpoint.step).toBeLessThanOrEqual(def.maxSteps!);
        const ending = outcome.ok ? "completed" : String((outcome.error as FlowRunError).reason);
        endings.set(ending, (endings.get(ending) ?? 0) + 1);
        if (outcome.ok) {
          expect(terminalsOf(def)).toContain(outcome.result.state);
          expect(outcome.result.steps).toBeLessThanOrEqual(def.maxSteps!);
          expect(outcome.result.path[0]).toBe("s0");
        } else {
          expect(outcome.error).toBeInstanceOf(FlowRunError);
          expect(["step-limit", "no-transition", "step-failed"]).toContain(
            (outcome.error as FlowRunError).reason,
          );
          expect(checkpoint.status).toBe("failed");
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
    // The generator must exercise every way a run can end, or the property proves little.
    expect([...endings.keys()].sort()).toEqual(["completed", "no-transition", "step-failed", "step-limit"]);
  });

  it("is deterministic: the same definition and input give the same run", async () => {
    await fc.assert(
      fc.asyncProperty(validFlow, fc.integer({ min: 0, max: 100 }), async (def, x) => {
        const flow = defineFlow(def);
        const once = () =>
          flow.run({ x }).then(
            (r) => ({ state: r.state, context: r.context, path: r.path }),
            (e: FlowRunError) => ({ reason: e.reason, stepId: e.stepId }),
          );
        expect(await once()).toEqual(await once());
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  const mutations: Array<[string, (def: Def) => Def, RegExp]> = [
    ["an unknown target", (def) => retarget(def, "ghost"), /target "ghost" is not defined/],
    [
      "an unknown initial state",
      (def) => ({ ...def, initial: "nowhere" }),
      /initial state "nowhere" is not defined/,
    ],
    [
      "an unreachable state",
      (def) => ({ ...def, states: { ...def.states, orphan: { run: () => {}, next: terminalsOf(def)[0]! } } }),
      /unreachable from "s0": "orphan"/,
    ],
    [
      "no terminal state",
      (def) => ({
        ...def,
        states: Object.fromEntries(
          Object.entries(def.states).map(([n, s]) => [
            n,
            "terminal" in s ? { run: () => {}, next: "s0" } : s,
          ]),
        ),
      }),
      /no terminal state/,
    ],
  ];

  for (const [what, mutate, problem] of mutations)
    it(`rejects random definitions with ${what} at definition time`, () => {
      fc.assert(
        fc.property(validFlow, (def) => {
          const bad = mutate(def);
          expect(() => defineFlow(bad)).toThrow(FlowDefinitionError);
          try {
            defineFlow(bad);
          } catch (error) {
            expect((error as FlowDefinitionError).problems.some((p) => problem.test(p))).toBe(true);
          }
        }),
        { numRuns: 100, seed: 11 },
      );
    });
});

/** Points the first non-terminal state's first transition (or check target) at `target`. */
function retarget(def: Def, target: string): Def {
  const s0 = def.states.s0 as unknown as Record<string, unknown>;
  const changed =
    "onPass" in s0
      ? { ...s0, onPass: target }
      : {
          ...s0,
          next: [{ to: target, when: () => false }, ...((s0.next as Transition<Ctx, string>[]) ?? [])],
        };
  return { ...def, states: { ...def.states, s0: changed as StateDefinition<Ctx, string> } };
}
