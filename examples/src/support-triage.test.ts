import { MemoryCheckpointStore, toMermaid } from "@keel/core/flows";
import { openai } from "@keel/providers/openai";
import { startTestServer, type TestServer } from "@keel/providers/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildTriageFlow, type TriageModels, type TriageServices, triageTicket } from "./support-triage.js";

let server: TestServer;
let models: TriageModels;
let sent: Array<{ ticketId: string; body: string }>;
let escalated: Array<{ ticketId: string; reason: string }>;
let accountsRead: string[];

const services: TriageServices = {
  accountDetails: async (customer) => {
    accountsRead.push(customer);
    return customer === "ada@example.com"
      ? {
          plan: "Pro",
          invoices: [
            { month: "2026-03", amountUsd: 49, status: "failed" },
            { month: "2026-02", amountUsd: 49, status: "paid" },
          ],
        }
      : undefined;
  },
  searchArticles: async (category) =>
    category === "billing"
      ? ["Invoices: download them under Settings > Billing.", "Plans can be changed at any time."]
      : ["VPN: reinstall the client if it cannot connect."],
  customerHistory: async (customer) => [`${customer} upgraded to Pro last month.`],
  sendReply: async (ticketId, body) => {
    sent.push({ ticketId, body });
    return `msg-${sent.length}`;
  },
  escalate: async (ticketId, reason) => {
    escalated.push({ ticketId, reason });
    return `esc-${escalated.length}`;
  },
};

const ticket = { id: "T-1", customer: "ada@example.com", text: "Where can I download my invoice for March?" };
const classification = (urgency = "normal", category = "billing") =>
  ({ text: JSON.stringify({ category, urgency, summary: "invoice download" }) }) as const;
const review = (pass: boolean, feedback = "") => ({ text: JSON.stringify({ pass, feedback }) });
/** The user turn of the n-th request the wire server received. */
const userTurn = (n: number): string =>
  server.requests[n]!.body.messages.filter((m: { role: string }) => m.role === "user").at(-1).content;

beforeAll(async () => {
  server = await startTestServer();
  const connect = { baseURL: server.openaiBaseURL, apiKey: "test" };
  models = {
    classifier: openai("gpt-4o-mini", connect),
    writer: openai("gpt-4o", connect),
    reviewer: openai("gpt-4o-mini", connect),
  };
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  sent = [];
  escalated = [];
  accountsRead = [];
});
afterEach(async () => {
  await server.waitForIdle();
});

describe("support triage through the OpenAI wire protocol", () => {
  it("classifies, retrieves, drafts, redrafts after review feedback, and responds once", async () => {
    server.enqueue(
      classification(),
      { text: "Hi Ada, thanks for reaching out." },
      review(false, "Answer the question: say where the invoice is."),
      { text: "Hi Ada! Download your March invoice under Settings > Billing." },
      review(true),
    );
    const result = await triageTicket(ticket, models, services, { runId: "t1" });

    expect(result.state).toBe("respond");
    expect(result.path).toEqual([
      "classify",
      "retrieve",
      "fit",
      "draft",
      "check",
      "draft",
      "check",
      "respond",
    ]);
    expect(sent).toEqual([
      { ticketId: "T-1", body: "Hi Ada! Download your March invoice under Settings > Billing." },
    ]);
    expect(result.context).toMatchObject({ outcome: "responded", classification: { category: "billing" } });

    const [classify, firstDraft] = server.requests;
    expect(classify!.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: {
        name: "ticket_classification",
        strict: true,
        schema: { required: ["category", "urgency", "summary"] },
      },
    });
    expect(firstDraft!.body.model).toBe("gpt-4o");
    expect(userTurn(1)).toContain("Invoices: download them under Settings > Billing.");
    expect(userTurn(1)).toContain("upgraded to Pro");
    expect(server.requests[2]!.body.response_format.json_schema.name).toBe("draft_review");
    expect(userTurn(3)).toContain("A reviewer rejected your previous draft: Answer the question");
    expect(server.requests).toHaveLength(5);
  });

  it("escalates a critical ticket without drafting", async () => {
    server.enqueue(classification("critical", "technical"));
    const result = await triageTicket(ticket, models, services);
    expect(result).toMatchObject({ state: "escalate", path: ["classify", "escalate"] });
    expect(escalated).toEqual([{ ticketId: "T-1", reason: "critical ticket: invoice download" }]);
    expect(server.requests).toHaveLength(1);
  });

  it("escalates when drafts keep failing review, after the allowed redrafts", async () => {
    server.enqueue(classification("normal", "technical"));
    server.setDefault((req) =>
      req.body.response_format ? review(false, "Too vague.") : { text: "Please try again later." },
    );
    const result = await triageTicket(ticket, models, services, { options: { maxRedrafts: 1 } });
    expect(result.state).toBe("escalate");
    expect(result.path.filter((s) => s === "draft")).toHaveLength(2);
    expect(escalated).toEqual([{ ticketId: "T-1", reason: "draft kept failing review: Too vague." }]);
    expect(userTurn(3)).toContain("A reviewer rejected your previous draft: Too vague.");
    expect(sent).toEqual([]);
  });

  it("rejects refund promises outside billing without asking the reviewer", async () => {
    server.enqueue(
      classification("normal", "technical"),
      { text: "Sorry! We will refund your month." },
      {
        text: "Reinstall the VPN client to reconnect.",
      },
    );
    server.setDefault(review(true));
    const result = await triageTicket(ticket, models, services);
    expect(result.state).toBe("respond");
    expect(sent[0]?.body).toBe("Reinstall the VPN client to reconnect.");
    // classify, draft, (rule rejects without a call), draft, review
    expect(server.requests).toHaveLength(4);
  });

  it("retries a failing model call and escalates when the provider stays down", async () => {
    server.enqueue(
      { fault: "server-error" },
      classification(),
      { text: "Invoices are under Settings > Billing." },
      review(true),
    );
    const ok = await triageTicket(ticket, models, services, { options: { retry: { baseDelayMs: 1 } } });
    expect(ok.state).toBe("respond");
    expect(server.requests.slice(0, 2).map((r) => r.body.model)).toEqual(["gpt-4o-mini", "gpt-4o-mini"]);

    server.reset();
    server.setDefault({ fault: "unavailable" });
    const down = await triageTicket(ticket, models, services, { options: { retry: { baseDelayMs: 1 } } });
    expect(down.state).toBe("escalate");
    expect(down.context.escalation).toMatch(/^step classify@1 failed: /);
    expect(server.requests).toHaveLength(3);
  });

  it("resumes a run from its checkpoint without sending the reply twice", async () => {
    const store = new MemoryCheckpointStore();
    server.enqueue(classification(), { text: "Invoices are under Settings > Billing." }, review(true));
    const first = await triageTicket(ticket, models, services, { store, runId: "resume-me" });
    // Pretend the process died after the reply was sent but before the last checkpoint.
    const checkpoint = (await store.load("resume-me"))!;
    await store.save({
      ...checkpoint,
      status: "running",
      step: checkpoint.step - 1,
      path: checkpoint.path.slice(0, -1),
    });
    const again = await buildTriageFlow(models, services).resume("resume-me", { store });
    expect(again.context).toEqual(first.context);
    expect(sent).toHaveLength(1);
  });

  it("lets the writer look up the ticket's own account and answers from it", async () => {
    server.enqueue(
      classification(),
      // The model asks for another customer: the tool's input has no customer field, so it cannot.
      {
        text: "",
        toolCalls: [
          { name: "lookup_account", arguments: { fields: ["invoices"], customer: "eve@example.com" } },
        ],
      },
      { text: "Hi Ada, your March invoice ($49) failed; you can retry it under Settings > Billing." },
      review(true),
    );
    const result = await triageTicket(ticket, models, services);

    expect(result.path).toEqual(["classify", "retrieve", "fit", "draft", "check", "respond"]);
    expect(accountsRead).toEqual(["ada@example.com"]);
    expect(result.context.toolsUsed).toEqual(["lookup_account"]);
    const writerCall = server.requests[1]!.body;
    expect(writerCall.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      "lookup_account",
      "request_credit",
    ]);
    const toolTurn = server.requests[2]!.body.messages.find((m: { role: string }) => m.role === "tool");
    expect(JSON.parse(toolTurn.content)).toEqual({
      invoices: [
        { month: "2026-03", amountUsd: 49, status: "failed" },
        { month: "2026-02", amountUsd: 49, status: "paid" },
      ],
    });
    expect(sent[0]?.body).toContain("your March invoice ($49) failed");
  });

  it("escalates a credit the writer asks for instead of granting or promising it", async () => {
    server.enqueue(classification(), {
      text: "",
      toolCalls: [{ name: "request_credit", arguments: { amountUsd: 49, reason: "charged twice in March" } }],
    });
    const result = await triageTicket(ticket, models, services);

    expect(result.path).toEqual(["classify", "retrieve", "fit", "draft", "escalate"]);
    expect(result.context.credit).toEqual({ amountUsd: 49, reason: "charged twice in March" });
    expect(escalated).toEqual([
      { ticketId: "T-1", reason: "credit of $49 needs a human's approval: charged twice in March" },
    ]);
    expect(sent).toEqual([]);
    // The loop stops at the gate: no further writer call, no review.
    expect(server.requests).toHaveLength(2);
  });

  it("escalates when the writer keeps calling tools past its step limit", async () => {
    server.enqueue(classification());
    server.setDefault({ text: "", toolCalls: [{ name: "lookup_account", arguments: { fields: ["plan"] } }] });
    const result = await triageTicket(ticket, models, services, { options: { maxToolSteps: 2 } });

    expect(result.state).toBe("escalate");
    expect(result.context.escalation).toMatch(
      /^step draft@4 failed: .*still calling tools after 2 model calls/,
    );
    expect(accountsRead).toEqual(["ada@example.com", "ada@example.com"]);
    expect(sent).toEqual([]);
  });

  it("exports its graph as Mermaid", () => {
    const mermaid = toMermaid(buildTriageFlow(models, services));
    expect(mermaid).toContain("classify --> escalate : critical");
    expect(mermaid).toContain("check --> draft : fail (at most 2x)");
    expect(mermaid).toContain("draft --> escalate : credit requested");
    expect(mermaid).toContain("note right of retrieve : parallel articles, history");
  });
});
