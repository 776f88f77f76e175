import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Writes one response and knows when it can stop: `signal` aborts when the response closes
 * (finished, client gone, or server closing), which cancels every pending delay — so a stall
 * never outlives its connection. Delays use node:timers so a test's fake timers do not freeze
 * the server.
 */
export class Wire {
  constructor(
    readonly res: ServerResponse,
    readonly signal: AbortSignal,
  ) {}

  /** True once the response closed or the client went away. */
  get closed(): boolean {
    return this.signal.aborted;
  }

  /** Waits `ms`; resolves false (at once) when the response closes first. */
  async delay(ms: number): Promise<boolean> {
    if (ms <= 0) return !this.closed;
    try {
      await sleep(ms, undefined, { signal: this.signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Sends the status line and headers now. */
  head(status: number, headers: Record<string, string>): void {
    if (this.closed || this.res.headersSent) return;
    this.res.writeHead(status, headers);
    this.res.flushHeaders();
  }

  /** Writes bytes and waits until they are handed to the socket; false when the response closed. */
  write(chunk: string | Buffer): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        this.signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        done();
        resolve(false);
      };
      this.signal.addEventListener("abort", onAbort, { once: true });
      this.res.write(chunk, (error) => {
        done();
        resolve(!error && !this.closed);
      });
    });
  }

  /** Ends the response, optionally with a last chunk. */
  end(chunk?: string | Buffer): void {
    if (this.closed) return;
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
  }

  /** Sends a complete body with content-length. */
  send(status: number, headers: Record<string, string>, body: string | Buffer): void {
    if (this.closed) return;
    this.res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    this.res.end(body);
  }

  /** Sends a JSON body. */
  json(status: number, headers: Record<string, string>, body: unknown): void {
    this.send(status, { "content-type": "application/json", ...headers }, JSON.stringify(body));
  }

  /** Drops the connection without a proper end: the client sees a reset / premature close. */
  destroy(): void {
    this.res.socket?.destroy();
  }

  /** Writes frames in order with `delayMs` between them; false when the response closed first. */
  async frames(frames: string[], delayMs: number): Promise<boolean> {
    for (let i = 0; i < frames.length; i++) {
      if (i > 0 && !(await this.delay(delayMs))) return false;
      if (!(await this.write(frames[i]!))) return false;
    }
    return true;
  }
}

/** Headers every SSE answer carries. */
export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};
