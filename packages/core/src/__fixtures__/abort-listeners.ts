/**
 * Counts the abort listeners a signal holds, as added and removed through its own methods, so a
 * test can check that a call leaves none behind. Returns a function that reads the count.
 */
export function abortListenerCount(signal: AbortSignal): () => number {
  const held = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    if (args[0] === "abort") held.add(args[1]);
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    if (args[0] === "abort") held.delete(args[1]);
    remove(...args);
  }) as typeof signal.removeEventListener;
  return () => held.size;
}
