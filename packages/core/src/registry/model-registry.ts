import { InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { ModelInfo } from "./model-info.js";
import { MODEL_DATA_VERSION, MODELS } from "./models.js";
import "./registry-events.js";

/** Unknown ids remembered for the once-per-id warning; beyond this, warnings repeat rather than grow memory. */
const MAX_REPORTED = 10_000;

/**
 * Suffixes a provider adds to a registered id for a snapshot of the same model: dates
 * (-2025-04-14, -20250514), Gemini revisions (-001) and previews (-preview-05-20), -latest.
 */
const SNAPSHOT_SUFFIX =
  /^-(\d{4}-\d{2}-\d{2}|\d{8}|\d{3}|latest|preview(-\d{2}-\d{2})?|exp(-\d{2}-\d{2}|-\d{4})?)$/;

/** Strips routing prefixes: "openai/gpt-4o", "models/gemini-2.5-pro", "anthropic.claude-…" stay distinct. */
const bareId = (id: string) =>
  id
    .trim()
    .toLowerCase()
    .replace(/^(models|openai|anthropic|google)\//, "");

/** A lookup table of model facts that starts from the built-in data and can be extended at run time. */
export class ModelRegistry {
  #models = new Map<string, ModelInfo>();
  #aliases = new Map<string, string>();
  #version: string;
  #edits = 0;
  #hub: EventHub | undefined;
  #reported = new Set<string>();

  /** `options.events`: where `registry.unknown-model` warnings go (default: the global hub). */
  constructor(models: ModelInfo[] = [], version = "custom", options: { events?: EventHub } = {}) {
    this.#version = version;
    this.#hub = options.events;
    for (const info of models) this.#add(info);
  }

  /** The data version, with "+local.N" once anything was registered or overridden at run time. */
  get version(): string {
    return this.#edits ? `${this.#version}+local.${this.#edits}` : this.#version;
  }

  /**
   * The model with this id, alias, or a dated snapshot of it ("gpt-4o-2024-08-06"); undefined if
   * unknown, after a `registry.unknown-model` warning event the first time that id is asked for.
   */
  get(id: string): ModelInfo | undefined {
    const key = bareId(id);
    const direct = this.#models.get(this.#aliases.get(key) ?? key);
    if (direct) return direct;
    // Longest registered id that the given id extends by a snapshot suffix.
    let best: ModelInfo | undefined;
    for (const [name, info] of this.#entries()) {
      if (key.startsWith(name) && SNAPSHOT_SUFFIX.test(key.slice(name.length)))
        if (!best || name.length > best.id.length) best = info;
    }
    if (!best) this.#warnUnknown(id, key);
    return best;
  }

  #warnUnknown(id: string, key: string): void {
    const hub = this.#hub ?? globalEvents;
    // Nobody listening yet: keep the warning for the first lookup someone can hear.
    if (!hub.active || this.#reported.has(key)) return;
    if (this.#reported.size >= MAX_REPORTED) this.#reported.clear();
    this.#reported.add(key);
    hub.emit("registry.unknown-model", {
      model: id,
      registryVersion: this.version,
      level: "warning",
    });
  }

  /** Like `get`, but throws a clear error for an unknown model. */
  require(id: string): ModelInfo {
    const info = this.get(id);
    if (!info)
      throw new InvalidRequestError(
        `model "${id}" is not in the model registry (data ${this.version}); add it with modelRegistry.register(...)`,
      );
    return info;
  }

  /** Adds models, or replaces ones with the same id. */
  register(...models: ModelInfo[]): void {
    for (const info of models) this.#add(info);
    this.#edits++;
  }

  /** Changes some facts of a known model (say, a negotiated price); nested pricing is merged. */
  override(id: string, patch: Partial<Omit<ModelInfo, "id">>): ModelInfo {
    const current = this.require(id);
    const next: ModelInfo = {
      ...current,
      ...patch,
      ...(patch.pricing && current.pricing ? { pricing: { ...current.pricing, ...patch.pricing } } : {}),
      ...(patch.capabilities ? { capabilities: { ...current.capabilities, ...patch.capabilities } } : {}),
    };
    this.#add(next);
    this.#edits++;
    return next;
  }

  /** Every registered model. */
  list(): ModelInfo[] {
    return [...this.#models.values()];
  }

  *#entries(): Iterable<[string, ModelInfo]> {
    yield* this.#models;
    for (const [alias, id] of this.#aliases) yield [alias, this.#models.get(id)!];
  }

  #add(info: ModelInfo): void {
    if (!info.id || !(info.contextWindow > 0) || !(info.maxOutputTokens > 0))
      throw new InvalidRequestError(
        `invalid model info for "${info.id}": id, contextWindow and maxOutputTokens are required`,
      );
    const key = bareId(info.id);
    this.#models.set(key, { ...info, id: key });
    for (const alias of info.aliases ?? []) this.#aliases.set(bareId(alias), key);
  }
}

/** The process-wide registry, loaded with Keel's built-in model data. */
export const modelRegistry = new ModelRegistry(MODELS, MODEL_DATA_VERSION);
