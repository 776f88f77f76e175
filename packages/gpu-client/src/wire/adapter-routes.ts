import { InvalidRequestError } from "@keel/core";
import { toKeelError } from "@keel/core/provider";
import { SERVER_ROUTES } from "../server-kinds.js";
import type { EndpointTarget } from "./endpoint-model.js";
import { errorFromStatus, readErrorBody } from "./http-errors.js";

/** POSTs to an adapter route (`{lora_name, lora_path?}`, vLLM's and SGLang's body); the response, or a typed error for a failed connection. */
async function post(target: EndpointTarget, route: string, body: unknown): Promise<Response> {
  const doFetch = target.fetch ?? fetch;
  return doFetch(target.url + route, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify(body),
  }).catch((error) => {
    throw toKeelError(error, target.id);
  });
}

/** Loads a LoRA adapter onto a server that can load them at run time; a typed error when it refuses. */
export async function loadAdapter(target: EndpointTarget, name: string, path: string): Promise<void> {
  const route = SERVER_ROUTES[target.kind].loadAdapter;
  if (!route) throw new InvalidRequestError(`${target.kind} servers cannot load adapters (${target.id})`);
  const response = await post(target, route, { lora_name: name, lora_path: path });
  if (!response.ok)
    throw errorFromStatus(response.status, await readErrorBody(response), response.headers, target.id);
  await response.arrayBuffer();
}

/**
 * Unloads a LoRA adapter. A 404 means the server no longer has it (restarted, or unloaded by
 * someone else): the slot is free all the same, so that is not an error. Any other refusal is.
 */
export async function unloadAdapter(target: EndpointTarget, name: string): Promise<void> {
  const route = SERVER_ROUTES[target.kind].unloadAdapter;
  if (!route) throw new InvalidRequestError(`${target.kind} servers cannot unload adapters (${target.id})`);
  const response = await post(target, route, { lora_name: name });
  if (!response.ok && response.status !== 404)
    throw errorFromStatus(response.status, await readErrorBody(response), response.headers, target.id);
  await response.arrayBuffer();
}
