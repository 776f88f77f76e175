/**
 * An OpenAI-compatible loopback server with a heavy latency tail, run as a child process of the
 * tail benchmark: each request, hedges included, draws its own delay: with probability `tail`
 * 500–2000 ms, otherwise 15 ms plus an exponential of mean 5 ms. The parent sets the tail and
 * reads the request count over IPC. It prints its port on stdout and exits with its parent.
 */
import { createServer } from "node:http";

let tail = 0.01;
let requests = 0;
let aborted = 0;
// A seeded generator (mulberry32), so runs draw the same delays.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const delayMs = () => (random() < tail ? 500 + random() * 1500 : 15 + -Math.log(1 - random()) * 5);

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-tail",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "ok", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  }),
);

const server = createServer((req, res) => {
  requests++;
  req.resume();
  req.on("end", () => {
    const timer = setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json", "content-length": completion.length });
      res.end(completion);
    }, delayMs());
    // A hedged loser is aborted by the client: stop its work, as a real server would.
    res.on("close", () => {
      if (!res.writableFinished) {
        aborted++;
        clearTimeout(timer);
      }
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("message", (message: { tail?: number; seed?: number; stats?: boolean }) => {
  if (message.tail !== undefined) {
    tail = message.tail;
    seed = message.seed ?? 0x5eed;
    requests = 0;
    aborted = 0;
  }
  process.send!({ requests, aborted });
});
process.on("disconnect", () => process.exit(0));
