import type { Attributes } from "@opentelemetry/api";
import * as sc from "./semconv.js";

/**
 * Events that core does not declare but exports by a documented shape: those of a layer that
 * spreads requests over several servers, such as `@keel/gpu-client`'s fleet (`gpu.routed`, ...).
 * Core must not import that layer, so the exporter recognises them by the last parts of their
 * type and by the types of their fields, and skips any that do not fit:
 *
 * - `<ns>.routed` `{ endpoint, policy?, reason?, attempt?, queuedMs?, prefixMatch?, model? }`:
 *   which server took the request, by which policy, why, on which attempt, after how long in the
 *   client's queue → `keel.route` with `keel.route.endpoint`, `.policy`, `.reason`, `.attempt`,
 *   `.queued_ms`, `.prefix_match`, and `keel.model`;
 * - `<ns>.rerouted` `{ from, attempt?, error?: { code }, model? }` → `keel.route.failover`;
 * - `<ns>.request.shed` `{ reason, queuedMs?, model? }` → `keel.route.shed`;
 * - `<ns>.endpoint.ejected` `{ endpoint, reason, forMs? }` and `<ns>.endpoint.readmitted`
 *   `{ endpoint, afterMs? }` → `keel.endpoint.ejected` / `keel.endpoint.readmitted`;
 * - `<ns>.adapter.loaded` / `<ns>.adapter.unloaded` `{ endpoint, adapter, reason? }` →
 *   `keel.adapter.loaded` / `keel.adapter.unloaded`.
 *
 * Like core's own point events, they become span events on the enclosing step or run span (or a
 * zero-length span outside a flow).
 */
export function routeAnnotation(event: { type: string }): [string, Attributes] | undefined {
  const e = event as { type: string } & Record<string, unknown>;
  const attrs: Attributes = {};
  const str = (key: string, attr: string) => {
    if (typeof e[key] === "string") attrs[attr] = e[key] as string;
  };
  const num = (key: string, attr: string) => {
    if (typeof e[key] === "number" && Number.isFinite(e[key])) attrs[attr] = e[key] as number;
  };
  const is = (suffix: string) => e.type.endsWith(`.${suffix}`) && e.type.length > suffix.length + 1;

  if (is("rerouted")) {
    if (typeof e.from !== "string") return undefined;
    str("from", "keel.route.from");
    num("attempt", "keel.route.attempt");
    str("model", "keel.model");
    const code = (e.error as { code?: unknown } | undefined)?.code;
    if (typeof code === "string") attrs[sc.ATTR_ERROR_TYPE] = code;
    return ["keel.route.failover", attrs];
  }
  if (is("routed")) {
    if (typeof e.endpoint !== "string") return undefined;
    str("endpoint", "keel.route.endpoint");
    str("policy", "keel.route.policy");
    str("reason", "keel.route.reason");
    num("attempt", "keel.route.attempt");
    num("queuedMs", "keel.route.queued_ms");
    num("prefixMatch", "keel.route.prefix_match");
    str("model", "keel.model");
    return ["keel.route", attrs];
  }
  if (is("request.shed")) {
    if (typeof e.reason !== "string") return undefined;
    str("reason", "keel.route.shed.reason");
    num("queuedMs", "keel.route.queued_ms");
    str("model", "keel.model");
    return ["keel.route.shed", attrs];
  }
  for (const what of ["ejected", "readmitted"] as const)
    if (is(`endpoint.${what}`)) {
      if (typeof e.endpoint !== "string") return undefined;
      str("endpoint", "keel.endpoint");
      str("reason", "keel.endpoint.reason");
      num("forMs", "keel.endpoint.ejected_for_ms");
      num("afterMs", "keel.endpoint.ejected_ms");
      return [`keel.endpoint.${what}`, attrs];
    }
  for (const what of ["loaded", "unloaded"] as const)
    if (is(`adapter.${what}`)) {
      if (typeof e.endpoint !== "string" || typeof e.adapter !== "string") return undefined;
      str("endpoint", "keel.endpoint");
      str("adapter", "keel.adapter");
      str("reason", "keel.adapter.reason");
      return [`keel.adapter.${what}`, attrs];
    }
  return undefined;
}
