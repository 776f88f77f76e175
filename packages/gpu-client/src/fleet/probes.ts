import { type LoadSignals, loadSignals, slotsLoad } from "../metrics/load-signals.js";
import { parsePrometheus } from "../metrics/prometheus.js";
import { llamacppProps, llamacppSlotsInfo, type ServerInfo, tgiInfo } from "../metrics/server-info.js";
import { SERVER_ROUTES } from "../server-kinds.js";
import type { EndpointTarget } from "../wire/endpoint-model.js";

/** GETs a path with a timeout; undefined when the server did not answer in time or at all. */
async function get(target: EndpointTarget, path: string, timeoutMs: number): Promise<Response | undefined> {
  const doFetch = target.fetch ?? fetch;
  try {
    return await doFetch(target.url + path, {
      headers: { ...target.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return undefined;
  }
}

/** Runs the kind's readiness check: true on a 2xx answer within `timeoutMs`. */
export async function probeHealth(target: EndpointTarget, timeoutMs: number): Promise<boolean> {
  const response = await get(target, SERVER_ROUTES[target.kind].health, timeoutMs);
  if (!response) return false;
  await response.arrayBuffer().catch(() => undefined);
  return response.ok;
}

/**
 * The LoRA adapters a server lists: `/v1/models` entries other than the base model (vLLM and
 * SGLang list loaded adapters there, with the base model as `parent`/`root`). Undefined when the
 * listing failed.
 */
export async function listAdapters(
  target: EndpointTarget,
  timeoutMs: number,
): Promise<Set<string> | undefined> {
  const response = await get(target, SERVER_ROUTES[target.kind].models, timeoutMs);
  if (!response?.ok) return undefined;
  try {
    const body = (await response.json()) as { data?: { id?: unknown }[]; models?: { name?: unknown }[] };
    const ids = (body.data ?? [])
      .map((m) => String(m.id))
      .concat((body.models ?? []).map((m) => String(m.name)));
    return new Set(ids.filter((id) => id !== target.model));
  } catch {
    return undefined;
  }
}

/**
 * Scrapes the server's load: Prometheus `/metrics` where the kind has it; llama.cpp's `/slots`
 * (busy slots as running) when its metrics are off. Undefined when nothing could be read.
 */
export async function scrapeLoad(
  target: EndpointTarget,
  timeoutMs: number,
): Promise<LoadSignals | undefined> {
  const routes = SERVER_ROUTES[target.kind];
  if (routes.metrics) {
    const response = await get(target, routes.metrics, timeoutMs);
    if (response?.ok) {
      try {
        return loadSignals(parsePrometheus(await response.text(), target.id));
      } catch {
        return undefined;
      }
    }
    await response?.arrayBuffer().catch(() => undefined);
  }
  if (target.kind === "llamacpp") {
    const response = await get(target, "/slots", timeoutMs);
    if (!response?.ok) return undefined;
    const slots = slotsLoad(await response.json().catch(() => undefined));
    return slots ? { running: slots.busy, waiting: 0 } : undefined;
  }
  return undefined;
}

/** GETs a JSON body; undefined when there was no 2xx JSON answer in time. */
async function getJson(target: EndpointTarget, path: string, timeoutMs: number): Promise<unknown> {
  const response = await get(target, path, timeoutMs);
  if (!response?.ok) {
    await response?.arrayBuffer().catch(() => undefined);
    return undefined;
  }
  return response.json().catch(() => undefined);
}

/**
 * Reads the limits a server reports outside `/metrics`: TGI's `/info`, llama.cpp's `/props`
 * (`/slots` when `/props` does not answer). Undefined for other kinds, or when nothing was read.
 */
export async function readServerInfo(
  target: EndpointTarget,
  timeoutMs: number,
): Promise<ServerInfo | undefined> {
  const route = SERVER_ROUTES[target.kind].info;
  if (!route) return undefined;
  if (target.kind === "tgi") return tgiInfo(await getJson(target, route, timeoutMs));
  if (target.kind === "llamacpp")
    return (
      llamacppProps(await getJson(target, route, timeoutMs)) ??
      llamacppSlotsInfo(await getJson(target, "/slots", timeoutMs))
    );
  return undefined;
}
