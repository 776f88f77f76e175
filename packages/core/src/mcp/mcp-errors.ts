import {
  AbortedError,
  InvalidRequestError,
  isKeelError,
  KeelError,
  type KeelErrorOptions,
  ProviderUnavailableError,
  TimeoutError,
} from "../errors.js";
import { McpError as SdkMcpError } from "./sdk.js";

/** JSON-RPC error codes the MCP SDK uses, as the spec and SDK name them. */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

/**
 * An MCP tool ran and reported failure (`isError: true` in its result). The model sees the
 * server's message as an error result; `content` keeps the server's whole answer.
 */
export class McpToolError extends KeelError {
  static override readonly code = "mcp-tool" as const;
  /** The server's result content blocks, unchanged. */
  readonly content: unknown[];
  constructor(message: string, content: unknown[], options: KeelErrorOptions = {}) {
    super(message, options);
    this.content = content;
  }
}

/**
 * Maps what the MCP SDK throws to Keel's hierarchy: a lost connection is a retryable
 * `ProviderUnavailableError`, an SDK request timeout a `TimeoutError`, a rejected request
 * (bad params, unknown method or tool) an `InvalidRequestError`, any other JSON-RPC error a
 * `ProviderUnavailableError`. `provider` is `mcp:<server name>`; `body` holds the JSON-RPC code and data.
 */
export function toMcpKeelError(error: unknown, server: string, what: string): KeelError {
  if (isKeelError(error)) return error;
  const provider = `mcp:${server}`;
  if (error instanceof SdkMcpError) {
    const options = { provider, cause: error, body: { code: error.code, data: error.data } };
    const message = `${what}: ${error.message}`;
    switch (error.code) {
      case CONNECTION_CLOSED:
        return new ProviderUnavailableError(
          `${what}: the MCP server "${server}" closed the connection`,
          options,
        );
      case REQUEST_TIMEOUT:
        return new TimeoutError(message, options);
      case INVALID_REQUEST:
      case METHOD_NOT_FOUND:
      case INVALID_PARAMS:
        return new InvalidRequestError(message, options);
      default:
        return new ProviderUnavailableError(message, { ...options, retryable: false });
    }
  }
  if (error instanceof Error && error.name === "AbortError")
    return new AbortedError(`${what} was aborted`, { provider, cause: error });
  const text = error instanceof Error ? error.message : String(error);
  return new ProviderUnavailableError(`${what}: ${text}`, { provider, cause: error });
}
