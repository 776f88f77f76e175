/**
 * A minimal OpenAI-compatible server with fixed answers, run as a child process of the benchmark
 * so its CPU is not counted: a fixed chat.completion, or a fixed stream of 100 content chunks
 * (plus the finish and usage chunks and `[DONE]`), each chunk written separately as a real token
 * stream arrives. It prints its port on stdout and exits with its parent.
 */
import { createServer } from "node:http";

const MODEL = "gpt-4o-mini-2024-07-18";
const CREATED = 1_700_000_000;
const USAGE = { prompt_tokens: 12, completion_tokens: 100, total_tokens: 112 };
const words = Array.from({ length: 100 }, (_, i) => ` word${i}`);

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: words.join(""), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: USAGE,
    service_tier: "default",
    system_fingerprint: "fp_bench",
  }),
);

const chunk = (delta: object, finish: string | null) => ({
  id: "chatcmpl-bench",
  object: "chat.completion.chunk",
  created: CREATED,
  model: MODEL,
  service_tier: "default",
  system_fingerprint: "fp_bench",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: null,
});
const events = [
  ...words.map((content, i) =>
    chunk(i === 0 ? { role: "assistant", content, refusal: null } : { content }, null),
  ),
  chunk({}, "stop"),
  { ...chunk({}, null), choices: [], usage: USAGE },
]
  .map((event) => Buffer.from(`data: ${JSON.stringify(event)}\n\n`))
  .concat(Buffer.from("data: [DONE]\n\n"));

const server = createServer((req, res) => {
  const body: Buffer[] = [];
  req.on("data", (part: Buffer) => body.push(part));
  req.on("end", () => {
    const stream = Buffer.concat(body).includes('"stream":true');
    if (!stream) {
      res.writeHead(200, { "content-type": "application/json", "content-length": completion.length });
      res.end(completion);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let next = 0;
    const write = () => {
      if (next === events.length) return void res.end();
      res.write(events[next++]);
      setImmediate(write);
    };
    write();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("disconnect", () => process.exit(0));
