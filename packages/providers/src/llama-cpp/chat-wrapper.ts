import type {
  ChatHistoryItem,
  ChatWrapper,
  ChatWrapperGenerateContextStateOptions,
  ChatWrapperGeneratedContextState,
  LlamaModel,
  SpecializedChatWrapperTypeName,
} from "node-llama-cpp";
import type { NodeLlamaCpp } from "./load-node-llama-cpp.js";
import type { LlamaChatWrapper } from "./public-types.js";

/**
 * How prompts are laid out for the model:
 * - `"auto"` (default): node-llama-cpp's choice, the template in the GGUF file when it has one;
 * - a node-llama-cpp wrapper name (`"llama3.1"`, `"chatML"`, `"qwen"`, `"gemma"`, ...) to force one;
 * - `"raw"`: no template at all, the message texts one after another after BOS, for base
 *   (non-chat) models and plain text completion;
 * - a `ChatWrapper` instance of your own.
 */
export type LlamaCppChatWrapperOption = "auto" | "raw" | (string & {}) | LlamaChatWrapper;

/** The chat wrapper instance for a loaded model and the `chatWrapper` option. */
export function resolveLlamaChatWrapper(
  lib: NodeLlamaCpp,
  model: LlamaModel,
  option: LlamaCppChatWrapperOption = "auto",
): ChatWrapper {
  if (typeof option !== "string") return option as ChatWrapper;
  if (option === "raw") return createRawChatWrapper(lib);
  // With a model, node-llama-cpp falls back to its GeneralChatWrapper when nothing matches.
  return lib.resolveChatWrapper(
    model,
    option === "auto" ? {} : { type: option as SpecializedChatWrapperTypeName },
  );
}

/** The number of tokens the prompt of `history` takes under `wrapper`, as generation will load it. */
export function countPromptTokens(
  model: LlamaModel,
  wrapper: ChatWrapper,
  history: readonly ChatHistoryItem[],
  options: Omit<ChatWrapperGenerateContextStateOptions, "chatHistory">,
): number {
  // Generation always ends the history with a model turn to write into, as LlamaChat does.
  const withTurn: ChatHistoryItem[] =
    history.at(-1)?.type === "model" ? [...history] : [...history, { type: "model", response: [] }];
  const { contextText } = wrapper.generateContextState({ ...options, chatHistory: withTurn });
  return contextText.tokenize(model.tokenizer).length;
}

function createRawChatWrapper(lib: NodeLlamaCpp): ChatWrapper {
  const { ChatWrapper: Base, LlamaText, SpecialToken } = lib;
  class RawChatWrapper extends Base {
    readonly wrapperName = "Raw";

    override generateContextState({
      chatHistory,
      availableFunctions,
      documentFunctionParams,
    }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
      const history = this.addAvailableFunctionsSystemMessageToHistory(chatHistory, availableFunctions, {
        documentParams: documentFunctionParams,
      });
      const texts = history.map((item) =>
        item.type === "model"
          ? this.generateModelResponseText(item.response)
          : item.type === "system"
            ? LlamaText.fromJSON(item.text)
            : LlamaText(item.text),
      );
      return {
        contextText: LlamaText([new SpecialToken("BOS"), ...texts]),
        stopGenerationTriggers: [LlamaText(new SpecialToken("EOS"))],
      };
    }
  }
  return new RawChatWrapper();
}
