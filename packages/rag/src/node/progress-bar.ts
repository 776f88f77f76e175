import cliProgress from "cli-progress";
import type { IngestProgress } from "../ingest/ingest.js";

/**
 * A terminal progress bar (cli-progress) for `createIngestor({ onProgress })`: documents done of
 * the total (when known) and the running counts of added, updated, unchanged and failed ones.
 * Call `stop()` when the run ends.
 */
export function ingestProgressBar(options: { stream?: NodeJS.WritableStream } = {}) {
  const counts = { added: 0, updated: 0, unchanged: 0, duplicate: 0, failed: 0, deleted: 0 };
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream ?? process.stderr,
      format: "ingest [{bar}] {value}/{total} | +{added} ~{updated} ={unchanged} x{failed}",
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p: IngestProgress) {
      counts[p.outcome]++;
      if (!started) {
        bar.start(p.total ?? 0, 0, counts);
        started = true;
      }
      if (p.total === undefined) bar.setTotal(p.done);
      bar.update(p.done, counts);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
