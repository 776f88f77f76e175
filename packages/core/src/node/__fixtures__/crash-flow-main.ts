/**
 * Child process of the crash test: runs (or resumes) the crash-test flow on a SQLite store.
 * With `--pause`, every barrier prints a line and waits for "go" on stdin, so the parent can
 * SIGKILL it at an exact point. Prints `result <json>` at the end.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { SqliteCheckpointStore } from "../sqlite-checkpoint-store.js";
import { crashFlow } from "./crash-flow.js";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    log: { type: "string" },
    run: { type: "string" },
    resume: { type: "boolean", default: false },
    pause: { type: "boolean", default: false },
  },
});

const acks: Array<() => void> = [];
const input = createInterface({ input: process.stdin });
input.on("line", () => acks.shift()?.());

const barrier = async (label: string) => {
  if (!values.pause) return;
  const acked = new Promise<void>((resolve) => acks.push(resolve));
  process.stdout.write(`${label}\n`);
  await acked;
};

const store = new SqliteCheckpointStore({ database: values.db! });
const flow = crashFlow(values.log!, barrier);
const result = values.resume
  ? await flow.resume(values.run!, { store })
  : await flow.run(
      { n: 1, trail: [] },
      { store, runId: values.run!, onCheckpoint: (c) => barrier(`checkpoint ${c.step}`) },
    );
process.stdout.write(`result ${JSON.stringify(result.context)}\n`);
await store.close();
input.close();
