/**
 * A model id that is not in the model registry was looked up (once per id and registry): its
 * cost is reported as unknown and its limits are not checked. Often a misspelled id, or a model
 * to add with `modelRegistry.register`.
 */
export interface UnknownModelLookup {
  model: string;
  registryVersion: string;
  level: "warning";
}

// A named payload type (not an inline one) also keeps this file a module in the bundled
// declarations; an augmentation alone would become a script whose relative `declare module`
// TypeScript refuses (TS2436).
declare module "../events.js" {
  interface KeelEventMap {
    /** See {@link UnknownModelLookup}. */
    "registry.unknown-model": UnknownModelLookup;
  }
}
