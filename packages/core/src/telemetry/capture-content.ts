import { type EventHub, events as globalEvents } from "../events.js";
import { setContentCapture } from "./content-capture.js";
import { type Redact, redactPii } from "./redact.js";

/** How prompts and answers are recorded on a hub's events once capture is on. */
export interface ContentCaptureOptions {
  /** The hub whose events carry content. Default: the global `events` hub. */
  events?: EventHub;
  /** Applied to every captured string. Default `redactPii`; `false` records content verbatim. */
  redact?: Redact | false;
}

const verbatim: Redact = (text) => text;

/**
 * Turns on prompt and answer capture for a hub: `model.call.started` then carries `input` and
 * `model.call.finished` carries `output`, each passed through `redact`. Off by default, since
 * content is sensitive and large. Returns a function that turns it off again.
 */
export function captureContent(options: ContentCaptureOptions = {}): () => void {
  const hub = options.events ?? globalEvents;
  const redact = options.redact === false ? verbatim : (options.redact ?? redactPii);
  return setContentCapture(hub, redact);
}
