/** The SIGKILL test's separate process: `crashIngest` with its settings from the environment. */
import pg from "pg";
import { crashIngest } from "./crash-ingest.js";

const { POSTGRES_URL, SCHEMA, TABLE, JOURNAL, VERSION, KILL_AFTER_UPSERTS } = process.env;
const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
const report = await crashIngest({
  pool,
  schema: SCHEMA!,
  table: TABLE!,
  journal: JOURNAL!,
  version: Number(VERSION),
  killAfterUpserts: Number(KILL_AFTER_UPSERTS ?? 0),
});
process.stdout.write(
  `${JSON.stringify({ added: report.added.length, updated: report.updated.length, deleted: report.deleted.length })}\n`,
);
await pool.end();
