import { describe, expect, it, vi } from "vitest";
import { EventHub, type KeelEvent } from "../events.js";
import type { Message } from "../messages.js";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

describe("parallel branches", () => {
  type Ctx = { q: string; docs?: string[]; history?: string[] };
  const context = flowContext<Ctx>();

  it("runs every branch, capped, and joins their results", async () => {
    let inFlight = 0;
    let peak = 0;
    const branch = (name: string) => async (ctx: Ctx) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return [`${name}:${ctx.q}`];
    };
    const flow = defineFlow({
      id: "fanout",
      context,
      initial: "gather",
      states: {
        gather: {
          branches: { docs: branch("docs"), history: branch("history"), faq: branch("faq") },
          concurrency: 2,
          join: (_, r) => ({
            docs: [...(r.docs as string[]), ...(r.faq as string[])],
            history: r.history as string[],
          }),
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const result = await flow.run({ q: "vpn" });
    expect(result.context).toEqual({ q: "vpn", docs: ["docs:vpn", "faq:vpn"], history: ["history:vpn"] });
    expect(peak).toBe(2);
  });

  it("re-runs only the branches that failed when the step is retried", async () => {
    const docs = vi.fn(async () => ["d"]);
    let historyCalls = 0;
    const history = vi.fn(async () => {
      if (++historyCalls === 1) throw new Error("history service down");
      return ["h"];
    });
    const hub = new EventHub();
    const failures: KeelEvent[] = [];
    hub.on((e) => e.type === "flow.step.failed" && failures.push(e));
    const flow = defineFlow({
      id: "retry-branches",
      context,
      initial: "gather",
      states: {
        gather: {
          branches: { docs, history },
          join: (_, r) => ({ docs: r.docs as string[], history: r.history as string[] }),
          retry: { attempts: 2, delayMs: 0 },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const result = await flow.run({ q: "x" }, { events: hub });
    expect(result.context).toMatchObject({ docs: ["d"], history: ["h"] });
    expect(docs).toHaveBeenCalledTimes(1);
    expect(history).toHaveBeenCalledTimes(2);
    expect(failures[0]).toMatchObject({
      error: { message: 'branch "history" failed: history service down' },
    });
  });
});

describe("evaluation step", () => {
  type Ctx = { drafts: number; feedback?: string; verdicts: string[] };
  const context = flowContext<Ctx>();

  function flowWith(
    check: (ctx: Ctx) => { pass: boolean; escalate?: boolean; feedback?: string },
    maxRetries = 2,
  ) {
    return defineFlow({
      id: "review",
      context,
      initial: "draft",
      states: {
        draft: { run: (c) => ({ drafts: c.drafts + 1 }), next: "check" },
        check: {
          check,
          onPass: "send",
          onFail: "draft",
          onEscalate: "human",
          maxRetries,
          record: (c, v) => ({
            verdicts: [...c.verdicts, `${v.route}:${v.failures}`],
            ...(v.feedback ? { feedback: v.feedback } : {}),
          }),
        },
        send: { terminal: true },
        human: { terminal: true },
      },
    });
  }

  it("passes a good draft through", async () => {
    const result = await flowWith(() => ({ pass: true })).run({ drafts: 0, verdicts: [] });
    expect(result).toMatchObject({ state: "send", context: { drafts: 1, verdicts: ["pass:0"] } });
  });

  it("sends a failing draft back with feedback until it passes", async () => {
    const result = await flowWith((c) => ({ pass: c.drafts >= 2, feedback: "too vague" })).run({
      drafts: 0,
      verdicts: [],
    });
    expect(result.state).toBe("send");
    expect(result.path).toEqual(["draft", "check", "draft", "check", "send"]);
    expect(result.context).toMatchObject({
      drafts: 2,
      feedback: "too vague",
      verdicts: ["retry:1", "pass:1"],
    });
  });

  it("escalates once its retries are spent, or at once when the verdict says so", async () => {
    const hub = new EventHub();
    const checks: KeelEvent[] = [];
    hub.on((e) => e.type === "flow.check.evaluated" && checks.push(e));
    const spent = await flowWith(() => ({ pass: false }), 2).run(
      { drafts: 0, verdicts: [] },
      { events: hub },
    );
    expect(spent.state).toBe("human");
    expect(spent.context).toMatchObject({ drafts: 3, verdicts: ["retry:1", "retry:2", "escalate:3"] });
    expect(checks.map((e) => (e.type === "flow.check.evaluated" ? e.route : ""))).toEqual([
      "retry",
      "retry",
      "escalate",
    ]);
    const urgent = await flowWith(() => ({ pass: false, escalate: true })).run({ drafts: 0, verdicts: [] });
    expect(urgent).toMatchObject({ state: "human", context: { drafts: 1, verdicts: ["escalate:1"] } });
  });

  it("fails the step when the check does not return a verdict", async () => {
    await expect(flowWith(() => "yes" as never).run({ drafts: 0, verdicts: [] })).rejects.toThrow(
      /must return \{ pass: boolean \}/,
    );
  });
});

describe("truncation step", () => {
  it("fits a text and a conversation to their budgets and reports the cut", async () => {
    const hub = new EventHub();
    const cuts: KeelEvent[] = [];
    hub.on((e) => e.type === "flow.truncated" && cuts.push(e));
    const history: Message[] = [
      { role: "system", content: "rules" },
      ...Array.from(
        { length: 10 },
        (_, i): Message => ({ role: i % 2 ? "assistant" : "user", content: `turn ${i} `.repeat(10) }),
      ),
    ];
    const flow = defineFlow({
      id: "fit",
      context: flowContext<{ docs: string; history: Message[] }>(),
      initial: "docs",
      states: {
        docs: { truncate: { field: "docs", maxTokens: 10 }, next: "history" },
        history: { truncate: { field: "history", maxTokens: 60 }, next: "done" },
        done: { terminal: true },
      },
    });
    const result = await flow.run({ docs: "x".repeat(400), history }, { events: hub });
    expect(result.context.docs).toMatch(/^x+\n\[…truncated\]$/);
    expect(result.context.docs.length).toBeLessThanOrEqual(40);
    expect(result.context.history[0]).toEqual({ role: "system", content: "rules" });
    expect(result.context.history.at(-1)).toEqual(history.at(-1));
    expect(result.context.history.length).toBeLessThan(history.length);
    expect(cuts).toEqual([
      expect.objectContaining({ state: "docs", unit: "characters", tokensBefore: 100 }),
      expect.objectContaining({
        state: "history",
        unit: "messages",
        context: expect.objectContaining({ stepId: "history@2" }),
      }),
    ]);
  });
});

describe("side effects", () => {
  it("runs an io.once effect once per step, across retries", async () => {
    const sent: string[] = [];
    let attempts = 0;
    const flow = defineFlow({
      id: "once",
      context: flowContext<{ id?: string }>(),
      initial: "send",
      states: {
        send: {
          retry: { attempts: 3, delayMs: 0 },
          run: async (_, io) => {
            const id = await io.once("email", () => {
              sent.push("email");
              return "msg-1";
            });
            if (++attempts < 3) throw new Error("later failure");
            return { id };
          },
          next: "done",
        },
        done: { terminal: true },
      },
    });
    const result = await flow.run({}, { store: new MemoryCheckpointStore() });
    expect(result.context.id).toBe("msg-1");
    expect(sent).toEqual(["email"]);
  });
});
