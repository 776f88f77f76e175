import { type KeelError, type ModelRequest, TimeoutError } from "@keel/core";
import { scriptedModel } from "@keel/core/testing";
import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { type EvalBatchClient, runBatchEval } from "./batch.js";
import { memoryRunJournal } from "./run-journal.js";
import { referenceScorer } from "./scorers.js";

// The real clients (`openaiBatch`, `anthropicBatch` from @keel/providers/batch) are exercised
// against the wire test server in examples/src/nightly-eval.test.ts; @keel/eval may not import
// them, so this in-process client implements the same contract over a scripted model.
function inProcessBatch(fail: Record<string, KeelError> = {}) {
  const model = scriptedModel((req) =>
    String(req.messages.at(-1)!.content).includes("France") ? "Paris" : "Bonn",
  );
  const submitted: Array<Array<{ id: string; request: ModelRequest }>> = [];
  let waits = 0;
  const client: EvalBatchClient<{ batchId: string; provider: string; model: string; ids: string[] }> = {
    provider: "scripted",
    model: "m",
    async submitBatch(requests) {
      submitted.push(requests);
      return {
        batchId: `batch_${submitted.length}`,
        provider: "scripted",
        model: "m",
        ids: requests.map((r) => r.id),
      };
    },
    async waitForBatch(handle) {
      waits++;
      const requests = submitted[Number(handle.batchId.slice(6)) - 1]!;
      return Promise.all(
        requests.map(async ({ id, request }) =>
          fail[id] ? { id, error: fail[id] } : { id, response: await model.generate(request) },
        ),
      );
    },
  };
  return { client, submitted, waits: () => waits };
}

const dataset = [
  { id: "fr", input: "Capital of France?", expected: "Paris" },
  { id: "de", input: "Capital of Germany?", expected: "Berlin" },
  { id: "it", input: "Capital of Italy?", expected: "Rome" },
];

describe("runBatchEval", () => {
  it("submits every case as one batch with the live requests, then scores the results", async () => {
    const b = inProcessBatch({
      it: new TimeoutError("expired in the batch window", { provider: "scripted" }),
    });
    const journal = memoryRunJournal();
    const run = await runBatchEval({
      name: "nightly",
      dataset,
      batch: b.client,
      request: { system: "Answer with the city." },
      scorers: [referenceScorer("squad_em")],
      seed: 3,
      journal,
    });
    expect(b.submitted).toHaveLength(1);
    expect(b.submitted[0]!.map((r) => r.id)).toEqual(["fr", "de", "it"]);
    expect(b.submitted[0]![0]!.request).toMatchObject({
      seed: 3,
      temperature: 0,
      messages: [{ role: "system" }, { role: "user" }],
    });
    expect(run.cases.map((c) => [c.id, c.scores.squad_em?.score, c.error?.code])).toEqual([
      ["fr", 1, undefined],
      ["de", 0, undefined],
      ["it", undefined, "timeout"],
    ]);
    expect(run.config).toMatchObject({ task: "batch:scripted/m", batchId: "batch_1" });
  });

  it("resumes by waiting for the saved batch instead of submitting a second one", async () => {
    const b = inProcessBatch();
    const journal = memoryRunJournal();
    // An earlier process submitted and died while waiting.
    const handle = await b.client.submitBatch(
      dataset.map((c) => ({ id: c.id, request: { messages: [{ role: "user", content: c.input }] } })),
    );
    await journal.saveState!({ batchHandle: handle, runId: "nightly-2026-12-07" });
    const run = await runBatchEval({
      name: "nightly",
      dataset,
      batch: b.client,
      scorers: [referenceScorer("squad_em")],
      journal,
    });
    expect(b.submitted).toHaveLength(1);
    expect(b.waits()).toBe(1);
    expect(run.id).toBe("nightly-2026-12-07");
    expect(run.summary.squad_em?.n).toBe(3);
  });

  it("needs a journal that keeps state", async () => {
    const b = inProcessBatch();
    await expect(
      runBatchEval({
        name: "n",
        dataset,
        batch: b.client,
        scorers: [referenceScorer("squad_em")],
        journal: { load: async () => [], append: async () => {} },
      }),
    ).rejects.toBeInstanceOf(EvalInputError);
  });
});
