import type { JsonSchema } from "@keel/core";
import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { toGbnfSchema } from "./to-gbnf-schema.js";

const MAX_ENTRIES = 32;

/**
 * Compiled JSON grammars by schema, so that repeated calls with one schema (the usual case for
 * structured output) compile it once. Holds at most 32; the oldest goes first.
 */
export class GrammarCache {
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** The grammar for any JSON value (`schema` absent) or for values of `schema`. */
  get(schema: JsonSchema | undefined): Promise<LlamaGrammar> {
    const key = schema === undefined ? "" : JSON.stringify(schema);
    let grammar = this.#grammars.get(key);
    if (!grammar) {
      // Converting first makes an unsupported schema fail here, before any compiling.
      grammar =
        schema === undefined
          ? this.llama.getGrammarFor("json")
          : // The parameter type infers from literal schemas; this one is only known at run time.
            this.llama.createGrammarForJsonSchema(toGbnfSchema(schema) as never);
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
      if (this.#grammars.size > MAX_ENTRIES) this.#grammars.delete(this.#grammars.keys().next().value!);
    }
    return grammar;
  }
}
