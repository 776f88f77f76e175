declare module "../events.js" {
  interface KeelEventMap {
    /** A context-fitting strategy cut a request: what it dropped or shortened and the tokens saved. */
    "context.truncated": {
      strategy: string;
      dropped: string;
      /** Messages removed or rewritten. */
      messages: number;
      tokensBefore: number;
      tokensAfter: number;
      tokensSaved: number;
    };
  }
}

/** One cut made while fitting a request, as reported and emitted. */
export interface ContextCut {
  strategy: string;
  dropped: string;
  messages: number;
  tokensBefore: number;
  tokensAfter: number;
  tokensSaved: number;
}
