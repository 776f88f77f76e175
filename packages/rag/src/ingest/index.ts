export {
  createIngestor,
  type IngestOptions,
  type Ingestor,
  type IngestorOptions,
  type IngestProgress,
  type IngestReport,
} from "./ingest.js";
export { type IngestJournal, memoryIngestJournal } from "./ingest-journal.js";
