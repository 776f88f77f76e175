import { describe, expect, it } from "vitest";
import { BudgetExceededError, InvalidRequestError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { budget } from "./budget.js";

// gpt-4o: $2.50 in / $10 out per million. A 1,000-token answer costs $0.01 of output.
const ask = (tenant: string) => ({
  messages: [{ role: "user" as const, content: "Summarize the meeting." }],
  maxOutputTokens: 1000,
  tenant,
});
const usage = { inputTokens: 20, outputTokens: 1000, totalTokens: 1020 };

describe("budget", () => {
  it("throws BudgetExceededError once a tenant's spend plus the estimate would pass the limit", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const base = scriptedModel([{ text: "done", usage }], { id: "gpt-4o", provider: "openai" });
    const model = pipe(base, budget({ limitUsd: 0.025, scope: "tenant", events: hub }));
    await model.generate(ask("a"));
    await model.generate(ask("a"));
    await expect(model.generate(ask("a"))).rejects.toBeInstanceOf(BudgetExceededError);
    // Another tenant has its own budget.
    await model.generate(ask("b"));
    expect(base.requests).toHaveLength(3);
    expect(seen.some((e) => e.type === "budget.exceeded")).toBe(true);
  });

  it("reserves estimates so concurrent calls cannot overspend together", async () => {
    const base = scriptedModel([{ text: "done", usage, delayMs: 5 }], { id: "gpt-4o", provider: "openai" });
    const model = pipe(base, budget({ limitUsd: 0.025 }));
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => model.generate(ask("a"))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(base.requests).toHaveLength(2);
  });

  it("downgrades to a cheaper model when the primary would not fit, for streams too", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const primary = scriptedModel([{ text: "big", usage }], { id: "gpt-4o", provider: "openai" });
    const cheap = scriptedModel([{ text: "small", usage }], { id: "gpt-4o-mini", provider: "openai" });
    const model = pipe(primary, budget({ limitUsd: 0.012, onExceed: { downgradeTo: cheap }, events: hub }));
    expect((await model.generate(ask("a"))).text).toBe("big");
    const stream = model.stream(ask("a"));
    let text = "";
    for await (const e of stream) if (e.type === "text-delta") text += e.text;
    expect(text).toBe("small");
    expect((await stream.response).model.requested).toBe("gpt-4o-mini");
    expect(seen.find((e) => e.type === "budget.downgraded")).toMatchObject({
      from: "gpt-4o",
      to: "gpt-4o-mini",
    });
  });

  it("refuses models without a known price", async () => {
    const model = pipe(scriptedModel(["x"], { id: "homegrown" }), budget({ limitUsd: 1 }));
    await expect(model.generate(ask("a"))).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
