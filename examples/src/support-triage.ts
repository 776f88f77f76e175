/**
 * Support-ticket triage as a Keel flow. A deterministic state machine runs the workflow and
 * models are called only where reasoning is needed:
 *
 *   classify ─┬─ critical ──────────────────────────────────────────────┐
 *             └─ retrieve (knowledge base ∥ customer history) → fit      │
 *                  → draft ─┬─ credit requested ──────────────────────────┤
 *                           └─ check ─┬─ pass → respond                   ├→ escalate
 *                                     ├─ fail → draft (at most N times)   │
 *                                     └─ still failing ──────────────────┘
 *
 * The writer drafts with two tools: `lookup_account` reads the ticket's own customer's account
 * (the customer comes from the ticket, never from the model, so a prompt cannot read another
 * account), and `request_credit`, which always needs approval: the flow never grants money itself,
 * it stops the draft and escalates the request to a human (the escalation gate). Failing model
 * steps are retried by middleware, then fall back to escalation; sending the answer and opening
 * an escalation are side effects guarded by `io.once`, so a resumed run never sends twice.
 */

import { type Model, type RetryOptions, retry } from "@keel/core";
import { type CheckpointStore, defineFlow, type FlowRunOptions, type StepIO } from "@keel/core/flows";
import { type ApprovalRequest, tool } from "@keel/core/tools";
import { z } from "zod";

/** What a ticket is about. */
export const Category = z.enum(["billing", "technical", "account", "other"]);
export type Category = z.infer<typeof Category>;

const Classification = z.object({
  category: Category,
  urgency: z.enum(["low", "normal", "critical"]),
  summary: z.string(),
});

const Review = z.object({
  pass: z.boolean().describe("true when the draft may be sent to the customer as is"),
  feedback: z.string().describe("what to fix; empty when it passes"),
});

/** Everything the flow knows about a ticket; checkpointed after every step. */
export const TriageContext = z.object({
  ticket: z.object({ id: z.string(), customer: z.string(), text: z.string() }),
  classification: Classification.optional(),
  articles: z.string().optional(),
  history: z.array(z.string()).optional(),
  draft: z.string().optional(),
  /** Tools the writer called, over every draft, in order. */
  toolsUsed: z.array(z.string()).optional(),
  /** A credit the writer asked for; it needs a human, so the ticket is escalated. */
  credit: z.object({ amountUsd: z.number(), reason: z.string() }).optional(),
  feedback: z.string().optional(),
  outcome: z.enum(["responded", "escalated"]).optional(),
  escalation: z.string().optional(),
});
export type TriageContext = z.infer<typeof TriageContext>;

/** The three jobs that need a model. */
export interface TriageModels {
  classifier: Model;
  writer: Model;
  reviewer: Model;
}

/** What `lookup_account` may show the writer about the ticket's customer. */
export interface AccountDetails {
  plan: string;
  /** Invoices, newest first. */
  invoices: Array<{ month: string; amountUsd: number; status: "paid" | "open" | "failed" }>;
}

/** The app's side of the flow: where knowledge comes from and where answers go. */
export interface TriageServices {
  /** The customer's plan and invoices; `undefined` for an unknown customer. */
  accountDetails(customer: string): Promise<AccountDetails | undefined>;
  /** Help-center articles relevant to a ticket. */
  searchArticles(category: Category, text: string): Promise<string[]>;
  /** Recent interactions with the customer. */
  customerHistory(customer: string): Promise<string[]>;
  /** Sends the answer; returns a message id. */
  sendReply(ticketId: string, body: string): Promise<string>;
  /** Hands the ticket to a human; returns an escalation id. */
  escalate(ticketId: string, reason: string): Promise<string>;
}

/** Tuning knobs, with defaults suited to a help desk. */
export interface TriageOptions {
  /** Drafts sent back by the review before the ticket is escalated. Default 2. */
  maxRedrafts?: number;
  /** Token budget for the articles given to the writer. Default 1500. */
  articleTokens?: number;
  /** Retry policy for each model call. Default: 3 attempts. */
  retry?: RetryOptions;
  /** Model calls the writer may make per draft (each tool round is one). Default 4. */
  maxToolSteps?: number;
}

/** Builds the triage flow around the given models and services. */
export function buildTriageFlow(models: TriageModels, services: TriageServices, options: TriageOptions = {}) {
  const modelPolicy = { middleware: [retry({ maxAttempts: 3, ...options.retry })], timeoutMs: 60_000 };
  return defineFlow({
    id: "support-triage",
    context: TriageContext,
    initial: "classify",
    states: {
      classify: {
        ...modelPolicy,
        description: "label category and urgency",
        run: async (ctx, io) => {
          const { object } = await io.generateObject(models.classifier, {
            schema: Classification,
            name: "ticket_classification",
            system:
              "Classify the support ticket. Urgency is critical for outages, security or legal threats.",
            prompt: ctx.ticket.text,
          });
          return { classification: object };
        },
        next: [
          { to: "escalate", when: (ctx) => ctx.classification?.urgency === "critical", label: "critical" },
          { to: "retrieve" },
        ],
        fallback: "escalate",
      },
      retrieve: {
        retry: { attempts: 2, delayMs: 50 },
        branches: {
          articles: (ctx) => services.searchArticles(ctx.classification!.category, ctx.ticket.text),
          history: (ctx) => services.customerHistory(ctx.ticket.customer),
        },
        join: (_, results) => ({
          articles: (results.articles as string[]).join("\n\n"),
          history: results.history as string[],
        }),
        next: "fit",
      },
      fit: { truncate: { field: "articles", maxTokens: options.articleTokens ?? 1500 }, next: "draft" },
      draft: {
        ...modelPolicy,
        description: "write a reply with account tools",
        run: (ctx, io) => writeDraft(models.writer, services, ctx, io, options.maxToolSteps ?? 4),
        next: [
          { to: "escalate", when: (ctx) => ctx.credit !== undefined, label: "credit requested" },
          { to: "check" },
        ],
        fallback: "escalate",
      },
      check: {
        ...modelPolicy,
        description: "review before the customer sees it",
        check: async (ctx, io) => {
          const promised = /\b(refund(ed)?|compensat\w*)\b/i.test(ctx.draft ?? "");
          if (promised && ctx.classification?.category !== "billing")
            return {
              pass: false,
              feedback: "Do not promise refunds or compensation outside billing tickets.",
            };
          const { object } = await io.generateObject(models.reviewer, {
            schema: Review,
            name: "draft_review",
            system:
              "You review support replies. Pass a reply only if it answers the ticket, is polite, and uses only facts from the articles.",
            prompt: `Ticket:\n${ctx.ticket.text}\n\nArticles:\n${ctx.articles ?? ""}\n\nReply:\n${ctx.draft ?? ""}`,
          });
          return object;
        },
        onPass: "respond",
        onFail: "draft",
        onEscalate: "escalate",
        maxRetries: options.maxRedrafts ?? 2,
        record: (_, verdict) => ({ feedback: verdict.pass ? undefined : verdict.feedback }),
      },
      respond: {
        terminal: true,
        run: async (ctx, io) => {
          await io.once("send-reply", () => services.sendReply(ctx.ticket.id, ctx.draft!));
          return { outcome: "responded" as const };
        },
      },
      escalate: {
        terminal: true,
        run: async (ctx, io) => {
          const reason = escalationReason(ctx, io);
          await io.once("escalate", () => services.escalate(ctx.ticket.id, reason));
          return { outcome: "escalated" as const, escalation: reason };
        },
      },
    },
  });
}

/** Runs one ticket through triage; pass a durable `store` to be able to resume it after a crash. */
export function triageTicket(
  ticket: TriageContext["ticket"],
  models: TriageModels,
  services: TriageServices,
  run: FlowRunOptions & { store?: CheckpointStore; options?: TriageOptions } = {},
) {
  const { options, ...runOptions } = run;
  return buildTriageFlow(models, services, options).run({ ticket }, runOptions);
}

const LookupAccount = z.object({
  fields: z
    .array(z.enum(["plan", "invoices"]))
    .min(1)
    .describe("what to look up"),
});
const RequestCredit = z.object({
  amountUsd: z.number().positive().describe("credit to give the customer, in US dollars"),
  reason: z.string().min(1).describe("why the customer should get it"),
});

/**
 * The writer's tools for one ticket. `lookup_account` is bound to the ticket's customer;
 * `request_credit` always needs approval, and the draft step's approver turns every request
 * into an escalation instead of running it.
 */
function triageTools(services: TriageServices, ctx: TriageContext) {
  return [
    tool({
      name: "lookup_account",
      description: "The plan and invoices of the customer who wrote the ticket.",
      input: LookupAccount,
      execute: async ({ fields }) => {
        const account = await services.accountDetails(ctx.ticket.customer);
        if (!account) return { error: "no account for this customer" };
        return Object.fromEntries(fields.map((field) => [field, account[field]]));
      },
    }),
    tool({
      name: "request_credit",
      description:
        "Ask a human to approve a credit or refund for the customer. Never promise it in the reply.",
      input: RequestCredit,
      needsApproval: true,
      execute: () => {
        throw new Error("request_credit runs only after a human approves it");
      },
    }),
  ];
}

async function writeDraft(
  writer: Model,
  services: TriageServices,
  ctx: TriageContext,
  io: StepIO,
  maxSteps: number,
): Promise<Partial<TriageContext>> {
  const lines = [
    `Ticket from ${ctx.ticket.customer} (${ctx.classification?.category}): ${ctx.ticket.text}`,
    `Help-center articles:\n${ctx.articles || "(none found)"}`,
    `Recent history:\n${ctx.history?.join("\n") || "(none)"}`,
  ];
  if (ctx.feedback)
    lines.push(`A reviewer rejected your previous draft: ${ctx.feedback}\nPrevious draft:\n${ctx.draft}`);
  let credit: TriageContext["credit"];
  // The approver sees every call; only the ones that need approval stop at the gate.
  const gate = (request: ApprovalRequest) => {
    if (!request.needsApproval) return true;
    credit = request.input as z.output<typeof RequestCredit>;
    return { action: "deny" as const, reason: "credits go to a human for approval; the ticket is escalated" };
  };
  const result = await io.runTools(writer, {
    system:
      "Write a short, friendly support reply using only the articles given and what lookup_account returns. " +
      "If the customer should get money back, call request_credit instead of promising it.",
    prompt: lines.join("\n\n"),
    tools: triageTools(services, ctx),
    approve: gate,
    stopWhen: () => credit !== undefined,
    maxSteps,
    request: { maxOutputTokens: 600 },
  });
  const toolsUsed = (ctx.toolsUsed ?? []).concat(
    result.steps.flatMap((step) => step.toolCalls.map((call) => call.call.name)),
  );
  if (credit) return { credit, toolsUsed };
  if (result.stopReason !== "done")
    throw new Error(`the writer was still calling tools after ${maxSteps} model calls`);
  return { draft: result.text.trim(), toolsUsed };
}

function escalationReason(ctx: TriageContext, io: StepIO): string {
  if (io.fallbackError) return `step ${io.fallbackError.stepId} failed: ${io.fallbackError.message}`;
  if (ctx.classification?.urgency === "critical") return `critical ticket: ${ctx.classification.summary}`;
  if (ctx.credit) return `credit of $${ctx.credit.amountUsd} needs a human's approval: ${ctx.credit.reason}`;
  return `draft kept failing review: ${ctx.feedback ?? "no feedback"}`;
}
