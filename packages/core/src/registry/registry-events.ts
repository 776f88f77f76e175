declare module "../events.js" {
  interface KeelEventMap {
    /**
     * A model id that is not in the model registry was looked up (once per id and registry): its
     * cost is reported as unknown and its limits are not checked. Often a misspelled id, or a
     * model to add with `modelRegistry.register`.
     */
    "registry.unknown-model": { model: string; registryVersion: string; level: "warning" };
  }
}

export {};
