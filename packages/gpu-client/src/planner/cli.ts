#!/usr/bin/env node
// keel-gpu-plan: memory, replicas and cost for a model on a GPU, as a table.
// Usage: keel-gpu-plan [--model llama-3.1-8b] [--gpu h100-80gb] [--quant bf16] [--tp 1]
//   [--prompt 1000] [--output 200] [--prefix 0] [--ttft-p99 1000] [--gpu-hourly 2.5] [--api gpt-4.1-mini]
import { parseArgs } from "node:util";
import { costComparison } from "./cost.js";
import { kvCapacity } from "./memory.js";
import { replicasFor } from "./replicas.js";
import { GPUS, MODEL_SHAPES, type Quantization } from "./shapes.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "llama-3.1-8b" },
    gpu: { type: "string", default: "h100-80gb" },
    quant: { type: "string", default: "bf16" },
    tp: { type: "string", default: "1" },
    prompt: { type: "string", default: "1000" },
    output: { type: "string", default: "200" },
    prefix: { type: "string", default: "0" },
    "ttft-p99": { type: "string", default: "1000" },
    "gpu-hourly": { type: "string", default: "2.5" },
    api: { type: "string", default: "gpt-4.1-mini" },
    rates: { type: "string", default: "0.5,1,2,5,10,20,50,100" },
  },
});
const shape = MODEL_SHAPES[values.model];
const gpu = GPUS[values.gpu];
if (!shape || !gpu) {
  console.error(
    `unknown --model or --gpu; models: ${Object.keys(MODEL_SHAPES).join(", ")}; gpus: ${Object.keys(GPUS).join(", ")}`,
  );
  process.exit(2);
}
const base = { shape, gpu, quantization: values.quant as Quantization, tensorParallel: Number(values.tp) };
const memory = kvCapacity(base);
console.log(`${shape.name} ${values.quant} on ${values.tp} × ${gpu.name} at 0.9 utilization`);
console.log(`  weights ${(memory.weightBytes / 1e9).toFixed(2)} GB, KV ${memory.kvBytesPerToken} B/token`);
console.log(
  `  KV cache ${(memory.kvBytes / 1e9).toFixed(1)} GB = ${memory.kvTokens.toLocaleString("en")} tokens = ${memory.kvBlocks.toLocaleString("en")} blocks; ${memory.concurrentSequences} sequences of 4,096 tokens`,
);
console.log("");
console.log("req/s | replicas | GPUs | TTFT p99 ms | self $/Mtok | API $/Mtok | savings");
const rows: { rate: number; savings: number }[] = [];
for (const rate of values.rates.split(",").map(Number)) {
  const workload = {
    requestsPerSecond: rate,
    promptTokens: Number(values.prompt),
    outputTokens: Number(values.output),
    sharedPrefixTokens: Number(values.prefix),
  };
  const plan = replicasFor({ ...base, workload, ttftP99Ms: Number(values["ttft-p99"]), requests: 800 });
  const gpus = plan.replicas * plan.gpusPerReplica;
  const cost = costComparison({
    workload,
    gpus,
    gpuHourlyUsd: Number(values["gpu-hourly"]),
    apiModel: values.api,
  });
  rows.push({ rate, savings: cost.savings });
  console.log(
    [
      rate,
      plan.unmet ? `>${plan.replicas}` : plan.replicas,
      gpus,
      plan.ttftP99Ms.toFixed(0),
      cost.selfHostedPerMTok.toFixed(3),
      cost.apiPerMTok.toFixed(3),
      `${(cost.savings * 100).toFixed(0)}%`,
    ].join(" | "),
  );
}
// Where self-hosting starts to pay, and where it is the 60% cheaper the seed claims, on this grid.
const from = (share: number) => rows.find((_, i) => rows.slice(i).every((x) => x.savings >= share))?.rate;
const breakEven = from(0);
const sixty = from(0.6);
console.log("");
console.log(
  `break-even: ${breakEven === undefined ? "not reached on this grid" : `from ${breakEven} req/s`}`,
);
console.log(
  `60% cheaper than ${values.api}: ${sixty === undefined ? "not reached on this grid" : `from ${sixty} req/s`}`,
);
