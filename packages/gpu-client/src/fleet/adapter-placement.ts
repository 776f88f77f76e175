import { type EventHub, InvalidRequestError, ProviderUnavailableError } from "@keel/core";
import { SERVER_ROUTES } from "../server-kinds.js";
import { loadAdapter, unloadAdapter } from "../wire/adapter-routes.js";
import type { EndpointState } from "./endpoint-state.js";

/** What adapter placement needs from the fleet. */
export interface AdapterPlacementHost {
  /** Endpoints that may take a request now, not in `exclude`, holding `adapter` when it is given. */
  routable(exclude: ReadonlySet<string>, adapter: string | undefined): EndpointState[];
  events: EventHub;
  /** Adapter name → path on the servers, for on-demand loading. */
  paths: Record<string, string> | undefined;
  /** In-flight requests per unit of weight on every holder above which the adapter is loaded once more. */
  pressure: number;
}

/**
 * Where LoRA adapters live on the fleet: loads an adapter on demand (and on one more endpoint
 * under pressure), and at an endpoint's slot limit unloads the adapter the client used least
 * recently first (see `AdapterSlots`).
 */
export class AdapterPlacement {
  readonly #host: AdapterPlacementHost;
  readonly #loading = new Map<string, Promise<void>>();

  constructor(host: AdapterPlacementHost) {
    this.#host = host;
  }

  /**
   * Makes sure some endpoint has the adapter: loads it on the least loaded endpoint that can load
   * adapters when none has it, and on one more endpoint when every holder is past the pressure.
   */
  async ensure(adapter: string, exclude: ReadonlySet<string>): Promise<void> {
    const holders = this.#host.routable(exclude, adapter);
    if (holders.length > 0 && !holders.every((s) => s.inflight / s.weight >= this.#host.pressure)) return;
    const path = this.#host.paths?.[adapter];
    if (path === undefined) {
      if (holders.length > 0) return;
      throw new InvalidRequestError(
        `gpu-client: no endpoint has adapter "${adapter}" loaded and the fleet's adapters option names no path for it`,
      );
    }
    const pending = this.#loading.get(adapter);
    if (pending) {
      if (holders.length === 0) await pending;
      return;
    }
    const others = this.#host
      .routable(exclude, undefined)
      .filter((s) => !s.adapters.has(adapter) && SERVER_ROUTES[s.raw.target.kind].loadAdapter);
    if (others.length === 0) {
      if (holders.length > 0) return;
      throw new ProviderUnavailableError(`gpu-client: no healthy endpoint can load adapter "${adapter}"`, {
        provider: "gpu-client",
      });
    }
    // Prefer endpoints with a free LoRA slot or an idle adapter to give up; else the server decides.
    const roomy = others.filter(
      (s) =>
        s.adapterSlots.hasFreeSlot(s.adapters, s.signals?.maxLoras) ||
        s.adapterSlots.victim(s.adapters, s.signals?.runningAdapters) !== undefined,
    );
    const target = (roomy.length > 0 ? roomy : others).reduce((a, b) =>
      a.inflight / a.weight <= b.inflight / b.weight ? a : b,
    );
    const load = this.#load(target, adapter, path, holders.length === 0 ? "not-loaded" : "pressure").finally(
      () => this.#loading.delete(adapter),
    );
    this.#loading.set(adapter, load);
    if (holders.length === 0) await load;
    else load.catch(() => {});
  }

  async #load(
    state: EndpointState,
    adapter: string,
    path: string,
    reason: "not-loaded" | "pressure",
  ): Promise<void> {
    const slots = state.adapterSlots;
    // Decide and reserve the slot before any await, so that concurrent loads onto this endpoint
    // neither pick the same adapter to unload nor both take the one slot it frees.
    const victim = slots.hasFreeSlot(state.adapters, state.signals?.maxLoras)
      ? undefined
      : slots.victim(state.adapters, state.signals?.runningAdapters);
    slots.loading++;
    try {
      if (victim) await this.#unload(state, victim, adapter);
      await loadAdapter(state.raw.target, adapter, path);
    } finally {
      slots.loading--;
    }
    state.adapters.add(adapter);
    this.#host.events.emit("gpu.adapter.loaded", { endpoint: state.id, adapter, reason });
  }

  /** Unloads `adapter` to make room for `incoming`; on failure it is thrown, typed, and the adapter stays counted as loaded. */
  async #unload(state: EndpointState, adapter: string, incoming: string): Promise<void> {
    const slots = state.adapterSlots;
    slots.unloading.add(adapter);
    try {
      await unloadAdapter(state.raw.target, adapter);
      state.adapters.delete(adapter);
      slots.forget(adapter);
      this.#host.events.emit("gpu.adapter.unloaded", {
        endpoint: state.id,
        adapter,
        reason: "lru",
        for: incoming,
      });
    } finally {
      slots.unloading.delete(adapter);
    }
  }
}
