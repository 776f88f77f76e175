import type { CallOptions } from "@keel/core";
import { toKeelError } from "@keel/core/provider";
import type { EndpointTarget } from "./endpoint-model.js";
import { errorFromStatus, readErrorBody } from "./http-errors.js";

/**
 * POSTs a JSON body to one of a server's routes and reads a JSON answer. Every failure is a
 * `KeelError`: a connection failure or abort through core's `toKeelError`, an HTTP error through
 * `errorFromStatus` (so backpressure stays `OverloadedError`).
 */
export async function postJson(
  target: EndpointTarget,
  path: string,
  body: unknown,
  options: CallOptions | undefined,
): Promise<unknown> {
  const doFetch = target.fetch ?? fetch;
  try {
    const response = await doFetch(target.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...target.headers, ...options?.headers },
      body: JSON.stringify(body),
      ...(options?.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok)
      throw errorFromStatus(response.status, await readErrorBody(response), response.headers, target.id);
    return await response.json();
  } catch (error) {
    throw toKeelError(error, target.id);
  }
}
