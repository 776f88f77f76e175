/**
 * A nightly eval: a small support-bot dataset, two system-prompt variants answered by a model on
 * Keel's wire test server (real OpenAI wire protocol, through the `openai()` adapter with retry
 * and rate-limit middleware), scored, compared with a stored baseline (paired bootstrap, CI gate)
 * and written up as a self-contained HTML report. The same candidate then runs again through
 * the OpenAI Batch API (emulated by the test server) via `openaiBatch`, as a real nightly would
 * to halve the price.
 *
 *   npx tsx --conditions=@keel/source examples/src/nightly-eval.ts [--out DIR]
 *
 * The first night stores variant A's run as the baseline; later nights compare against it.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rateLimit, retry } from "@keel/core";
import {
  compareRuns,
  type EvalCase,
  lexicalGroundednessScorer,
  modelTask,
  referenceScorer,
  renderHtmlReport,
  renderMarkdownReport,
  runBatchEval,
} from "@keel/eval";
import { jsonlRunJournal, loadRun, saveRun } from "@keel/eval/node";
import { openaiBatch } from "@keel/providers/batch";
import { openai } from "@keel/providers/openai";
import { startTestServer } from "@keel/providers/testing";

const KB: Record<string, { q: string; a: string; context: string }> = {
  refund: {
    q: "How long do I have to ask for a refund?",
    a: "30 days from delivery.",
    context: "Refunds are accepted within 30 days from delivery.",
  },
  shipping: {
    q: "How much is shipping to Canada?",
    a: "Shipping to Canada costs 12 dollars.",
    context: "Shipping to Canada costs 12 dollars; the US is free.",
  },
  hours: {
    q: "When is support open?",
    a: "Support is open 9 to 17 on weekdays.",
    context: "Support is open 9 to 17 on weekdays, closed on holidays.",
  },
  password: {
    q: "How do I reset my password?",
    a: "Use the Forgot password link on the login page.",
    context: "To reset a password, use the Forgot password link on the login page.",
  },
  warranty: {
    q: "How long is the warranty?",
    a: "Two years.",
    context: "Every device has a two years warranty.",
  },
  invoice: {
    q: "Where do I find my invoice?",
    a: "Under Account, then Orders.",
    context: "Invoices are under Account, then Orders.",
  },
  cancel: {
    q: "Can I cancel an order?",
    a: "Yes, until it ships.",
    context: "Orders can be cancelled until they ship.",
  },
  gift: {
    q: "Do you sell gift cards?",
    a: "Yes, from 10 to 200 dollars.",
    context: "Gift cards are sold from 10 to 200 dollars.",
  },
  pickup: {
    q: "Can I pick up my order in store?",
    a: "Yes, in any store after the pickup email.",
    context: "Orders can be picked up in any store after the pickup email arrives.",
  },
  pay: {
    q: "Which payment methods do you take?",
    a: "Cards and bank transfer.",
    context: "We take cards and bank transfer; no cash on delivery.",
  },
};

/** The dataset a team would keep in a JSONL file: question, reference answer, retrieved context. */
export const DATASET: EvalCase[] = Object.entries(KB).map(([id, k]) => ({
  id,
  input: `Context: ${k.context}\n\nQuestion: ${k.q}`,
  expected: k.a,
  context: [k.context],
}));

/** Two prompt variants under test. */
export const VARIANTS = {
  a: "Answer in one short sentence, using only the context.",
  b: "You are a warm, chatty assistant. Be friendly and add helpful extra detail.",
} as const;

/** How the scripted model on the test server answers: variant B pads answers and invents details. */
export function scriptedAnswer(system: string, user: string): string {
  const entry = Object.values(KB).find((k) => user.includes(k.q));
  if (!entry) return "I do not know.";
  if (system !== VARIANTS.b) return entry.a;
  return user.includes("refund") || user.includes("warranty") || user.includes("gift")
    ? "Great question! Our policy is very generous and most customers get their money back within a week."
    : `Great question! ${entry.a} Let me know if there is anything else!`;
}

function messagesOf(body: any): { system: string; user: string } {
  const messages = (body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const text = (m?: { content: unknown }) =>
    typeof m?.content === "string" ? m.content : JSON.stringify(m?.content ?? "");
  return {
    system: text(messages.find((m) => m.role === "system" || m.role === "developer")),
    user: text(messages.findLast((m) => m.role === "user")),
  };
}

/** Runs one night: candidate (variant B) live and through the batch API, against the stored baseline. */
export async function nightlyEval(options: { outDir: string; log?: (line: string) => void }) {
  const log = options.log ?? ((l: string) => console.log(l));
  await mkdir(options.outDir, { recursive: true });
  const server = await startTestServer();
  server.setDefault((req) => {
    const { system, user } = messagesOf(req.body);
    return { text: scriptedAnswer(system, user), chunkDelayMs: 2 };
  });
  const settings = { baseURL: server.openaiBaseURL, apiKey: "test" };
  const model = openai("gpt-4o-mini", settings);
  const middleware = [retry({ maxAttempts: 3 }), rateLimit({ requestsPerMinute: 600 })];
  const scorers = [
    referenceScorer("squad_f1", { threshold: 0.8 }),
    referenceScorer("rougeL"),
    lexicalGroundednessScorer({ threshold: 1 }),
  ];
  try {
    const baselinePath = join(options.outDir, "baseline.json");
    if (!existsSync(baselinePath)) {
      const { runEval } = await import("@keel/eval");
      const first = await runEval({
        name: "support-bot",
        dataset: DATASET,
        task: modelTask(model, { system: VARIANTS.a, middleware, name: "prompt-a" }),
        scorers,
        seed: 42,
        config: { variant: "a" },
      });
      await saveRun(baselinePath, first);
      log(`stored baseline ${first.id} (variant a)`);
    }
    const baseline = await loadRun(baselinePath);

    const { runEval } = await import("@keel/eval");
    const run = await runEval({
      name: "support-bot",
      dataset: DATASET,
      task: modelTask(model, { system: VARIANTS.b, middleware, name: "prompt-b" }),
      scorers,
      seed: 42,
      concurrency: 4,
      config: { variant: "b" },
    });
    await saveRun(join(options.outDir, `${run.id}.json`), run);
    const comparison = compareRuns(run, baseline, {
      gates: { squad_f1: { maxDrop: 0.05 }, groundedness: { maxDrop: 0.05 } },
    });
    const report = join(options.outDir, `${run.id}.html`);
    await writeFile(report, renderHtmlReport(run, comparison, baseline));
    log(renderMarkdownReport(run, comparison));

    // The same candidate through the Batch API: submit, poll, score. The journal keeps the batch
    // handle, so a nightly job killed while waiting resumes the same batch instead of paying twice.
    server.batches.enqueue({
      pollsBeforeEnd: 2,
      items: ({ body }) => {
        const { system, user } = messagesOf(body);
        return { text: scriptedAnswer(system, user) };
      },
    });
    const batchRun = await runBatchEval({
      name: "support-bot-batch",
      dataset: DATASET,
      batch: openaiBatch("gpt-4o-mini", settings),
      request: { system: VARIANTS.b },
      scorers,
      seed: 42,
      journal: jsonlRunJournal(join(options.outDir, `${run.id}.batch.journal.jsonl`)),
      wait: { pollIntervalMs: 10, maxPollIntervalMs: 20 },
    });
    log(
      `batch run ${batchRun.config.batchId}: squad_f1 ${batchRun.summary.squad_f1?.mean.toFixed(3)} (live ${run.summary.squad_f1?.mean.toFixed(3)})`,
    );
    log(`report: ${report}`);
    log(`gate: ${comparison.passed ? "passed" : "FAILED"}`);
    return { baseline, run, comparison, batchRun, report };
  } finally {
    await server.waitForIdle().catch(() => {});
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--out");
  const outDir = i > 0 ? process.argv[i + 1]! : join(tmpdir(), "keel-nightly-eval");
  const { comparison } = await nightlyEval({ outDir });
  process.exitCode = comparison.passed ? 0 : 1;
}
