export { countTokensRemote, type RemoteCountOptions } from "./count-remote.js";
export {
  type CountableRequest,
  countMessageTokens,
  type MessageTokenCounter,
  messageTokenCounter,
} from "./message-tokens.js";
export {
  countTokens,
  countTokensSync,
  getTokenizer,
  loadedTokenizer,
  type TokenEncoding,
  type Tokenizer,
} from "./tokenizer.js";
