import { availableParallelism } from "node:os";

/**
 * The number of threads a context uses when `threads` is not set: one less than the CPUs this
 * process may use (leaving one for Node's own event loop and libuv threads), at most the cores
 * llama.cpp counts as useful for math, and at least 1.
 *
 * Why not node-llama-cpp's default (the math cores, but at least 4): llama.cpp's threads spin while
 * they wait for each other, so more threads than free cores collapses throughput. Measured with
 * stories260K (CPU, temperature 0.8, three runs each) on a 2-vCPU VM shared with other work (load
 * average 7-12): 1 thread 263-892 tokens/s, 2 threads 2.4-63 tokens/s, 4 threads (the library
 * default there) 0.2-1.4 tokens/s. On a large dedicated machine with a large model, set `threads`
 * to its physical cores.
 */
export function defaultThreadCount(mathCores: number, cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(cpus - 1, mathCores));
}
