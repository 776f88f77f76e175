#!/usr/bin/env node
// keel-gpu-sim: starts simulated vLLM replicas on loopback and prints one JSON line per replica.
// Usage: keel-gpu-sim [--replicas 4] [--port 8100] [--time-scale 1] [--gpu h100|h200] [--blocks N] [--legacy-metrics]
import { parseArgs } from "node:util";
import { startReplica } from "./replica-server.js";
import { H100_LLAMA_8B, H200_LLAMA_8B } from "./sim-params.js";

const { values } = parseArgs({
  options: {
    replicas: { type: "string", default: "1" },
    port: { type: "string", default: "0" },
    "time-scale": { type: "string", default: "1" },
    gpu: { type: "string", default: "h100" },
    blocks: { type: "string" },
    "legacy-metrics": { type: "boolean", default: false },
  },
});
const preset = values.gpu === "h200" ? H200_LLAMA_8B : H100_LLAMA_8B;
const count = Number(values.replicas);
const firstPort = Number(values.port);
const replicas: Awaited<ReturnType<typeof startReplica>>[] = [];
for (let i = 0; i < count; i++) {
  const replica = await startReplica({
    ...preset,
    port: firstPort === 0 ? 0 : firstPort + i,
    timeScale: Number(values["time-scale"]),
    legacyMetrics: values["legacy-metrics"],
    ...(values.blocks ? { numGpuBlocks: Number(values.blocks) } : {}),
  });
  replicas.push(replica);
  console.log(
    JSON.stringify({
      replica: i,
      url: replica.url,
      model: replica.params.model,
      numGpuBlocks: replica.params.numGpuBlocks,
    }),
  );
}
const stop = async () => {
  await Promise.all(replicas.map((r) => r.close()));
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
