/** One tool call being assembled from streamed fragments. */
export interface AssemblingToolCall {
  /** Position of the call in the answer (0, 1, ...), unique even when a server reuses wire indexes. */
  ordinal: number;
  /** The wire index the fragments carried. */
  index: number;
  id: string | undefined;
  name: string | undefined;
  arguments: string;
}

/** A streamed tool-call fragment: wire index, and whatever id, name and argument text it carries. */
export interface ToolCallFragment {
  index: number;
  id?: string | null | undefined;
  name?: string | null | undefined;
  arguments?: string | null | undefined;
}

/**
 * Assembles streamed tool-call fragments into whole calls, keyed by wire index AND id: a
 * fragment with a known id joins that call; a fragment with a new id at an index already in use
 * starts a new call (some OpenAI-compatible servers reuse index 0 for every call); a fragment
 * without an id joins the call at its index.
 */
export class ToolCallAssembler {
  readonly #calls: AssemblingToolCall[] = [];
  readonly #byIndex = new Map<number, AssemblingToolCall>();
  readonly #byId = new Map<string, AssemblingToolCall>();

  /** Adds a fragment; returns the call it belongs to. */
  add(fragment: ToolCallFragment): AssemblingToolCall {
    const id = fragment.id ?? undefined;
    let call = id !== undefined ? this.#byId.get(id) : undefined;
    if (!call) {
      const atIndex = this.#byIndex.get(fragment.index);
      const startsNew = !atIndex || (id !== undefined && atIndex.id !== undefined && atIndex.id !== id);
      call = startsNew ? this.#start(fragment.index) : atIndex!;
    }
    if (id !== undefined && call.id === undefined) {
      call.id = id;
      this.#byId.set(id, call);
    }
    if (fragment.name && !call.name) call.name = fragment.name;
    if (fragment.arguments) call.arguments += fragment.arguments;
    return call;
  }

  /** The calls seen so far, in the order they started. */
  get calls(): readonly AssemblingToolCall[] {
    return this.#calls;
  }

  #start(index: number): AssemblingToolCall {
    const call: AssemblingToolCall = {
      ordinal: this.#calls.length,
      index,
      id: undefined,
      name: undefined,
      arguments: "",
    };
    this.#calls.push(call);
    this.#byIndex.set(index, call);
    return call;
  }
}
