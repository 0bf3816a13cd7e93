// The PostgreSQL server tests run against: TRACKD_TEST_PG_URL (scripts/services/postgres.sh start
// prints one; scripts/services/with-postgres.sh starts one for `npm test`). Without it the tests
// that need it are skipped, except under CI, where it must be set.
import pg from 'pg';

export const PG_URL = process.env.TRACKD_TEST_PG_URL;
if (!PG_URL && process.env.CI) {
  throw new Error('TRACKD_TEST_PG_URL must name a PostgreSQL server under CI');
}

let made = 0;

/** A fresh database on the test server, so test files and runs never see each other's data. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  made += 1;
  const name = `trackd_test_${process.pid}_${Date.now()}_${made}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
