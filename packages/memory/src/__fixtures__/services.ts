import { randomBytes } from "node:crypto";
import pg from "pg";

/** PostgreSQL on loopback, as CI starts it. */
export const POSTGRES_URL = process.env.KEEL_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Redis on loopback, as CI starts it. */
export const REDIS_URL = process.env.KEEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A name no other test run uses, for schemas, table prefixes and Redis key prefixes. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/**
 * A fresh PostgreSQL schema for one test file, dropped by `drop`. Fails with a message naming
 * the server when it cannot be reached: these tests never skip silently.
 */
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
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_URL} (start it, e.g. bash .ci/run does): ${error}`,
    );
  }
  const schema = uniqueName("keel_mem_test");
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
