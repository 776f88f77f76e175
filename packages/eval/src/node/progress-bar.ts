import type { RunProgress } from "../runner/run-eval.js";

/** A progress bar for long runs, redrawn in place on a terminal and printed every 10% otherwise. */
export function progressBar(
  write: (text: string) => void = (t) => process.stderr.write(t),
  options: { width?: number; tty?: boolean } = {},
): (p: RunProgress) => void {
  const width = options.width ?? 30;
  const tty = options.tty ?? Boolean(process.stderr.isTTY);
  let lastDecile = -1;
  return (p) => {
    const share = p.total ? p.done / p.total : 1;
    const filled = Math.round(share * width);
    const eta = p.etaMs === undefined ? "" : ` eta ${Math.ceil(p.etaMs / 1000)}s`;
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total}${p.failed ? ` ${p.failed} failed` : ""}${p.cached ? ` ${p.cached} cached` : ""}${p.resumed ? ` ${p.resumed} resumed` : ""}${eta}`;
    if (tty) write(`\r${line}${p.done === p.total ? "\n" : ""}`);
    else {
      const decile = Math.floor(share * 10);
      if (decile !== lastDecile || p.done === p.total) {
        lastDecile = decile;
        write(`${line}\n`);
      }
    }
  };
}
