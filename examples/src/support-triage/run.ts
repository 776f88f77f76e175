/**
 * Runs the support-triage flow (../support-triage.ts) on two tickets, offline: the classifier,
 * writer and reviewer are `openai()` models on Keel's wire test server, whose answers are scripted
 * here (a real deployment points them at a provider). The first ticket is answered after one
 * redraft the reviewer asked for, the writer having looked the customer's invoices up with its
 * `lookup_account` tool; the second is critical and goes straight to a human; for the third the
 * writer asks for a credit, which the flow never grants itself: it escalates the request.
 *
 *   npx tsx --conditions=@keel/source examples/src/support-triage/run.ts
 */
import { MemoryCheckpointStore, toMermaid } from "@keel/core/flows";
import { openai } from "@keel/providers/openai";
import { startTestServer } from "@keel/providers/testing";
import { buildTriageFlow, type TriageServices, triageTicket } from "../support-triage.js";

const out = (line = "") => process.stdout.write(`${line}\n`);
const server = await startTestServer();
const connect = { baseURL: server.openaiBaseURL, apiKey: "offline" };
const models = {
  classifier: openai("gpt-4o-mini", connect),
  writer: openai("gpt-4o", connect),
  reviewer: openai("gpt-4o-mini", connect),
};
const services: TriageServices = {
  accountDetails: async (customer) =>
    customer === "ada@example.com"
      ? { plan: "Pro", invoices: [{ month: "2026-03", amountUsd: 49, status: "paid" }] }
      : { plan: "Team", invoices: [{ month: "2026-03", amountUsd: 98, status: "paid" }] },
  searchArticles: async (category) =>
    category === "billing"
      ? ["Invoices: download them under Settings > Billing.", "Plans can be changed at any time."]
      : ["Status page: status.example.com lists ongoing incidents."],
  customerHistory: async (customer) => [`${customer} upgraded to Pro last month.`],
  sendReply: async (ticketId, body) => {
    out(`   → sent to ${ticketId}: ${body}`);
    return "msg-1";
  },
  escalate: async (ticketId, reason) => {
    out(`   → escalated ${ticketId}: ${reason}`);
    return "esc-1";
  },
};
const json = (value: unknown) => ({ text: JSON.stringify(value) });

try {
  const store = new MemoryCheckpointStore();
  out("Ticket T-1: “Where can I download my invoice for March?”");
  server.enqueue(
    json({ category: "billing", urgency: "normal", summary: "invoice download" }),
    { text: "", toolCalls: [{ name: "lookup_account", arguments: { fields: ["invoices"] } }] },
    { text: "Hi Ada, thanks for reaching out." },
    json({ pass: false, feedback: "Answer the question: say where the invoice is." }),
    { text: "Hi Ada! Download your March invoice ($49, paid) under Settings > Billing." },
    json({ pass: true, feedback: "" }),
  );
  const first = await triageTicket(
    { id: "T-1", customer: "ada@example.com", text: "Where can I download my invoice for March?" },
    models,
    services,
    { runId: "T-1", store },
  );
  out(`   path: ${first.path.join(" → ")}`);
  out(`   tools the writer used: ${first.context.toolsUsed?.join(", ") || "none"}`);

  out("\nTicket T-2: “Production is down for all our users!”");
  server.enqueue(json({ category: "technical", urgency: "critical", summary: "full outage" }));
  const second = await triageTicket(
    { id: "T-2", customer: "ops@example.com", text: "Production is down for all our users!" },
    models,
    services,
    { runId: "T-2", store },
  );
  out(`   path: ${second.path.join(" → ")}`);

  out("\nTicket T-3: “You charged us twice in March, we want the money back.”");
  server.enqueue(json({ category: "billing", urgency: "normal", summary: "double charge" }), {
    text: "",
    toolCalls: [{ name: "request_credit", arguments: { amountUsd: 98, reason: "charged twice in March" } }],
  });
  const third = await triageTicket(
    {
      id: "T-3",
      customer: "finance@example.com",
      text: "You charged us twice in March, we want the money back.",
    },
    models,
    services,
    { runId: "T-3", store },
  );
  out(`   path: ${third.path.join(" → ")}`);
  out(`\nmodel calls made: ${server.requests.length} (all through the OpenAI wire protocol)`);
  out(`\nThe flow as Mermaid:\n${toMermaid(buildTriageFlow(models, services))}`);
  if (
    first.context.outcome !== "responded" ||
    second.context.outcome !== "escalated" ||
    third.context.outcome !== "escalated"
  )
    process.exitCode = 1;
} finally {
  await server.close();
}
