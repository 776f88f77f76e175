import { InvalidRequestError } from "../errors.js";
import { events as defaultEvents, type EventHub } from "../events.js";
import type { CallOptions, Middleware, ModelRequest, ModelResponse, StreamEvent } from "../model.js";
import { wrapModel } from "../pipe.js";
import { createModelStream } from "../stream/model-stream.js";
import { validateRequest } from "../validate-request.js";
import { checkUntrusted, type DetectInjectionOptions, detectInjection } from "./detect-injection.js";
import { checkRecognizers, detectPii } from "./detect-pii.js";
import { GuardBlockedError, type GuardFinding } from "./guard-errors.js";
import { type InjectionClassifier, loadInjectionClassifier } from "./injection-classifier.js";
import { checkOutputSchema, OutputFilter, type OutputFilterOptions } from "./output-filter.js";
import type { PiiRecognizer, PiiType } from "./pii-types.js";
import { createPseudonymizer } from "./pseudonymize.js";
import { createPiiRedactor } from "./redact-pii.js";
import { markSensitive } from "./residency.js";
import { spotlight } from "./spotlight.js";
import { textSites } from "./text-sites.js";

/** A detector of your own (e.g. a model-based classifier): a score in 0–1 for one text. */
export type ExtraDetector = (text: string, signal?: AbortSignal) => number | Promise<number>;

export interface GuardOptions {
  /** Prompt-injection policy for user messages and tool results. Default `{ action: "block" }`; false: off. */
  injection?:
    | false
    | {
        /** block: fail with `GuardBlockedError`; sanitize: normalize and spotlight the text; flag: emit and go on. */
        action?: "block" | "sanitize" | "flag";
        threshold?: number;
        /** Use the built-in classifier (loaded on first call). Default true. */
        classifier?: boolean;
        /** More detectors; a text is flagged when any scores at or above the threshold. */
        detectors?: readonly ExtraDetector[];
        /** Rules and the like, passed to `detectInjection`. */
        detect?: Omit<DetectInjectionOptions, "classifier" | "threshold">;
      };
  /** PII policy for the prompt. Default off. */
  pii?: {
    /** redact: `[redacted:TYPE]`; pseudonymize: `<EMAIL_1>`, restored in the answer; block; flag. */
    action: "redact" | "pseudonymize" | "block" | "flag";
    /** Built-in types to look for. Default: all. */
    types?: readonly PiiType[];
    /** Recognizers of your own (`detectPii`'s), found and acted on like the built-in types. */
    recognizers?: readonly PiiRecognizer[];
    /** Mark a request that held PII as sensitive, for the data-residency policy. Default true. */
    markSensitive?: boolean;
  };
  /** Output filtering (secrets, canaries, deny-list, links), applied as the answer streams. Default: API keys redacted. */
  output?: false | OutputFilterOptions;
  /** Where `guard.flagged` events go. Default: the global `events` hub. */
  events?: EventHub;
}

/**
 * The guard as middleware: checks the prompt for injection (user text and tool results) and PII
 * before the call, and filters the answer as it streams. Put it outermost:
 * `pipe(model, retry(), fallback([...]), guard({ pii: { action: "pseudonymize" } }))`. Every
 * finding emits `guard.flagged` (ids only, never the matched text).
 */
export function guard(options: GuardOptions = {}): Middleware {
  checkGuardOptions(options);
  const injection =
    options.injection === false ? undefined : { action: "block" as const, ...options.injection };
  const hub = options.events ?? defaultEvents;
  const outputOptions = options.output === false ? undefined : (options.output ?? {});
  let classifier: Promise<InjectionClassifier> | undefined;

  return (next) => {
    const emit = (
      stage: "input" | "output",
      action: "block" | "sanitize" | "redact" | "flag",
      findings: GuardFinding[],
      callOptions: CallOptions | undefined,
      score?: number,
    ) =>
      hub.emit(
        "guard.flagged",
        {
          model: next.id,
          stage,
          action,
          findings: findings.map((f) => `${f.kind}:${f.id}`),
          ...(score !== undefined ? { score } : {}),
        },
        callOptions?.context,
      );

    /** Checks and rewrites the request; returns it with a restore function for the answer. */
    const prepare = async (request: ModelRequest, callOptions: CallOptions | undefined) => {
      // The guard reads every message before the model does: a malformed one is refused typed here.
      validateRequest(request, next.provider);
      const { messages, sites } = textSites(request.messages);
      let sensitive = false;
      let restore: ((text: string) => string) | undefined;
      let longestPlaceholder = 0;
      if (injection) {
        if (injection.classifier !== false) classifier ??= loadInjectionClassifier();
        const loaded = injection.classifier !== false ? await classifier : undefined;
        for (const site of sites) {
          if (site.role !== "user" && site.role !== "tool") continue;
          const detect = site.role === "tool" ? checkUntrusted : detectInjection;
          const verdict = detect(site.get(), {
            ...injection.detect,
            ...(loaded ? { classifier: loaded } : {}),
            ...(injection.threshold !== undefined ? { threshold: injection.threshold } : {}),
          });
          let score = verdict.score;
          const findings: GuardFinding[] = verdict.reasons
            .filter((r) => r.score >= 0.3)
            .map((r) => ({ kind: "injection", id: r.id, score: r.score }));
          for (const [i, detector] of (injection.detectors ?? []).entries()) {
            const s = await detector(site.get(), callOptions?.signal);
            if (s >= (injection.threshold ?? 0.5))
              findings.push({ kind: "injection", id: `detector-${i}`, score: s });
            score = Math.max(score, s);
          }
          if (!(verdict.flagged || score >= (injection.threshold ?? 0.5))) continue;
          emit("input", injection.action, findings, callOptions, score);
          if (injection.action === "block")
            throw new GuardBlockedError("input", findings, { provider: next.provider });
          if (injection.action === "sanitize") {
            const isolated = spotlight(site.get(), {
              label: site.role === "tool" ? "tool result" : "user-supplied text",
            });
            site.set(`${isolated.instruction}\n${isolated.text}`);
          }
        }
      }
      if (options.pii) {
        const pii = options.pii;
        const types = {
          ...(pii.types ? { types: pii.types } : {}),
          ...(pii.recognizers ? { recognizers: pii.recognizers } : {}),
        };
        const pseudonymizer = pii.action === "pseudonymize" ? createPseudonymizer(types) : undefined;
        const redact = pii.action === "redact" ? createPiiRedactor(types) : undefined;
        for (const site of sites) {
          const spans = detectPii(site.get(), types);
          if (spans.length === 0) continue;
          sensitive = true;
          const findings = spans.map((s) => ({ kind: "pii" as const, id: s.type }));
          const action = pii.action === "pseudonymize" ? "redact" : pii.action;
          emit("input", action, findings, callOptions);
          if (pii.action === "block")
            throw new GuardBlockedError("input", findings, { provider: next.provider });
          if (pseudonymizer) site.set(pseudonymizer.pseudonymize(site.get()));
          else if (redact) site.set(redact(site.get()));
        }
        if (pseudonymizer && pseudonymizer.entries.size > 0) {
          restore = (t) => pseudonymizer.restore(t);
          longestPlaceholder = pseudonymizer.longestPlaceholder;
        }
        if (pii.markSensitive === false) sensitive = false;
      }
      const prepared = { ...request, messages };
      return { request: sensitive ? markSensitive(prepared) : prepared, restore, longestPlaceholder };
    };

    const checkSchema = (text: string, callOptions: CallOptions | undefined) => {
      const finding = outputOptions?.schema ? checkOutputSchema(text, outputOptions.schema) : undefined;
      if (!finding) return;
      emit("output", "block", [finding], callOptions);
      throw new GuardBlockedError("output", [finding], { provider: next.provider });
    };

    const finishText = (
      text: string,
      restore: ((t: string) => string) | undefined,
      callOptions: CallOptions | undefined,
    ) => {
      let out = text;
      if (outputOptions) {
        const filtered = new OutputFilter(outputOptions).filter(out);
        if (filtered.findings.length > 0) {
          const action = outputOptions.action ?? "redact";
          emit("output", action, filtered.findings, callOptions);
          if (action === "block")
            throw new GuardBlockedError("output", filtered.findings, { provider: next.provider });
          out = filtered.text;
        }
      }
      return restore ? restore(out) : out;
    };

    return wrapModel(next, {
      async generate(request, callOptions) {
        const prepared = await prepare(request, callOptions);
        const response = await next.generate(prepared.request, callOptions);
        const rewritten = rewriteResponse(response, (t) => finishText(t, prepared.restore, callOptions));
        checkSchema(rewritten.text, callOptions);
        return rewritten;
      },
      stream(request, callOptions) {
        return createModelStream(
          async function* (signal) {
            const prepared = await prepare(request, callOptions);
            const inner = next.stream(prepared.request, { ...callOptions, signal });
            const filter = outputOptions ? new OutputFilter(outputOptions) : undefined;
            const action = outputOptions?.action ?? "redact";
            let held = "";
            let shown = "";
            const release = (piece: { text: string; findings: GuardFinding[] }, final: boolean): string => {
              if (piece.findings.length > 0) {
                emit("output", action, piece.findings, callOptions);
                if (action === "block")
                  throw new GuardBlockedError("output", piece.findings, { provider: next.provider });
              }
              if (!prepared.restore) return piece.text;
              // A placeholder split across deltas ("<EMA" + "IL_1>") is held until it is whole.
              held += piece.text;
              const open = held.lastIndexOf("<");
              const cut =
                !final &&
                open >= 0 &&
                !held.includes(">", open) &&
                held.length - open <= prepared.longestPlaceholder
                  ? open
                  : held.length;
              const out = prepared.restore(held.slice(0, cut));
              held = held.slice(cut);
              return out;
            };
            const show = (text: string) => {
              shown += text;
              return text;
            };
            let flushed = false;
            for await (const event of inner) {
              if (event.type === "text-delta") {
                const text = show(
                  release(filter ? filter.push(event.text) : { text: event.text, findings: [] }, false),
                );
                if (text) yield { type: "text-delta", text } satisfies StreamEvent;
                continue;
              }
              if (event.type === "finish") {
                flushed = true;
                const text = show(release(filter ? filter.flush() : { text: "", findings: [] }, true));
                if (text) yield { type: "text-delta", text } satisfies StreamEvent;
                // The schema can only be judged on the whole answer: a mismatch fails the stream at its end.
                checkSchema(shown, callOptions);
              }
              if (event.type === "error") throw event.error;
              yield event;
            }
            // A source that ends without a finish event still gets what was held back.
            if (!flushed) {
              const text = show(release(filter ? filter.flush() : { text: "", findings: [] }, true));
              if (text) yield { type: "text-delta", text } satisfies StreamEvent;
              checkSchema(shown, callOptions);
            }
          },
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
        );
      },
    });
  };
}

const INJECTION_ACTIONS = new Set(["block", "sanitize", "flag"]);
const PII_ACTIONS = new Set(["redact", "pseudonymize", "block", "flag"]);

/** Fails at configuration time, naming the bad option, rather than guarding less than asked. */
function checkGuardOptions(options: GuardOptions): void {
  const injection = options.injection;
  if (injection && injection.action !== undefined && !INJECTION_ACTIONS.has(injection.action))
    throw new InvalidRequestError(
      `guard: injection.action must be block, sanitize or flag, got ${String(injection.action)}`,
    );
  if (
    injection &&
    injection.threshold !== undefined &&
    !(injection.threshold >= 0 && injection.threshold <= 1)
  )
    throw new InvalidRequestError(
      `guard: injection.threshold must be within 0–1, got ${String(injection.threshold)}`,
    );
  if (options.pii && !PII_ACTIONS.has(options.pii.action))
    throw new InvalidRequestError(
      `guard: pii.action must be redact, pseudonymize, block or flag, got ${String(options.pii.action)}`,
    );
  if (options.pii?.recognizers) checkRecognizers(options.pii.recognizers);
  if (
    options.output &&
    options.output.action !== undefined &&
    !["redact", "block"].includes(options.output.action)
  )
    throw new InvalidRequestError(
      `guard: output.action must be redact or block, got ${String(options.output.action)}`,
    );
}

function rewriteResponse(response: ModelResponse, rewrite: (text: string) => string): ModelResponse {
  const content = response.content.map((part) =>
    part.type === "text" ? { ...part, text: rewrite(part.text) } : part,
  );
  const text = content.map((p) => (p.type === "text" ? p.text : "")).join("");
  return { ...response, content, text };
}
