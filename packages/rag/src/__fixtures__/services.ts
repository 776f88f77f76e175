import { randomBytes } from "node:crypto";
import pg from "pg";

/** PostgreSQL on loopback, as CI starts it. */
export const POSTGRES_URL = process.env.KEEL_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A name no other test run uses. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** A pool on the test database and a fresh schema for one test file; fails naming the server when it is down. */
export async function postgresSchema(): Promise<{
  schema: string;
  pool: pg.Pool;
  drop: () => Promise<void>;
}> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 6 });
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (bash .ci/run starts it): ${error}`);
  }
  const schema = uniqueName("keel_rag_test");
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    schema,
    pool,
    drop: async () => {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
