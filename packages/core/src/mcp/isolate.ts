/** Where a piece of untrusted text from an MCP server came from. */
export interface UntrustedOrigin {
  /** The server's name as the client was configured. */
  server: string;
  kind: "tool-description" | "tool-result" | "resource" | "prompt";
  /** The tool, resource URI or prompt the text belongs to. */
  name: string;
}

/** Wraps or rewrites untrusted text before a model reads it (spotlighting, delimiting, filtering). */
export type IsolateHook = (text: string, origin: UntrustedOrigin) => string;

/** An isolation hook bound to one origin. */
export type Isolate = (text: string) => string;

/** Binds a hook to an origin; without a hook, text passes unchanged. */
export function bindIsolate(hook: IsolateHook | undefined, origin: UntrustedOrigin): Isolate {
  return hook ? (text) => hook(text, origin) : (text) => text;
}
