import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server received it, timed by the server's own clock. */
export interface Received {
  at: number;
  replica: string;
  /** Tokens the server reported as used (prompt + completion). */
  tokens: number;
  status: number;
}

/**
 * A small HTTP server speaking the OpenAI chat-completions JSON shape (non-streamed), that counts
 * what it receives: when, from which replica (`x-replica` header), how many tokens it answered
 * with. It can fail every request with a 503, and hold answers for `x-hold-ms`.
 */
export async function startCountingServer() {
  const received: Received[] = [];
  const state = { failing: false, inFlight: 0, mostInFlight: 0 };
  const open = new Set<ServerResponse>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
      messages?: Array<{ content?: string }>;
      max_tokens?: number;
    };
    const replica = String(req.headers["x-replica"] ?? "?");
    const hold = Number(req.headers["x-hold-ms"] ?? 0);
    state.inFlight++;
    state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
    open.add(res);
    const at = Date.now();
    const prompt = Math.ceil((body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0) / 4);
    // The answer uses half of what it was allowed, so the caller's estimate is corrected downward.
    const completion = Math.floor((body.max_tokens ?? 0) / 2);
    const failing = state.failing;
    received.push({ at, replica, tokens: failing ? 0 : prompt + completion, status: failing ? 503 : 200 });
    const finish = () => {
      state.inFlight--;
      open.delete(res);
      if (failing) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "upstream unavailable", type: "server_error" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${received.length}`,
          object: "chat.completion",
          model: "counted",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        }),
      );
    };
    if (hold > 0) setTimeout(finish, hold);
    else finish();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    state,
    /** Requests received in each window of `windowMs` that starts at a received request (sliding), the busiest first. */
    busiest(windowMs: number, of: (r: Received) => number = () => 1): number {
      const ok = received.filter((r) => r.status === 200).sort((a, b) => a.at - b.at);
      let best = 0;
      let sum = 0;
      let tail = 0;
      for (const r of ok) {
        sum += of(r);
        while (ok[tail]!.at <= r.at - windowMs) sum -= of(ok[tail++]!);
        best = Math.max(best, sum);
      }
      return best;
    },
    /** Counts per calendar window of `windowMs` (aligned to the epoch), as `[windowStart, count, tokens]`. */
    perWindow(windowMs: number): Array<[number, number, number]> {
      const windows = new Map<number, [number, number, number]>();
      for (const r of received) {
        if (r.status !== 200) continue;
        const start = Math.floor(r.at / windowMs) * windowMs;
        const w = windows.get(start) ?? [start, 0, 0];
        w[1]++;
        w[2] += r.tokens;
        windows.set(start, w);
      }
      return [...windows.values()].sort((a, b) => a[0] - b[0]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type CountingServer = Awaited<ReturnType<typeof startCountingServer>>;
