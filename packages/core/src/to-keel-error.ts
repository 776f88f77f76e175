import { AbortedError, isKeelError, KeelError, NetworkError, TimeoutError } from "./errors.js";

/** Converts anything thrown into a Keel error; errors that already are one pass through unchanged. */
export function toKeelError(error: unknown, provider?: string): KeelError {
  if (isKeelError(error)) return error;
  const e = error as
    | { name?: string; message?: string; code?: string; cause?: { code?: string } }
    | undefined;
  const message = e?.message ?? String(error);
  if (e?.name === "AbortError") return new AbortedError(message, { provider, cause: error });
  if (e?.name === "TimeoutError") return new TimeoutError(message, { provider, cause: error });
  const code = e?.code ?? e?.cause?.code;
  if (
    (e?.name === "TypeError" && /fetch failed|network|terminated|socket/i.test(message)) ||
    // workerd (Cloudflare Workers) reports a refused, reset or dropped connection as a plain Error.
    (e?.name === "Error" && message === "Network connection lost.") ||
    (typeof code === "string" &&
      /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|ENOTFOUND|EAI_AGAIN)$/.test(code))
  ) {
    return new NetworkError(message, { provider, cause: error });
  }
  return new KeelError(message, { provider, cause: error });
}
