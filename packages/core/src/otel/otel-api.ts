// The OpenTelemetry API's runtime values, imported once when "@keel/core/otel" loads. The API is
// an optional peer dependency: without it, importing this entry fails with a
// ProviderUnavailableError that names the package and its install command, never a bare
// ERR_MODULE_NOT_FOUND. (It is loaded with the entry, not on first use, because the exporter's
// event handlers are synchronous and the caller's tracer comes from this package anyway.)
import type * as OtelApi from "@opentelemetry/api";
import { optionalPeer } from "../optional-peer.js";

const api = await optionalPeer(
  "@opentelemetry/api",
  "@keel/core/otel",
  () => import("@opentelemetry/api"),
).load();

export const { context, trace } = api;
export const SpanKind = api.SpanKind;
export type SpanKind = OtelApi.SpanKind;
export const SpanStatusCode = api.SpanStatusCode;
