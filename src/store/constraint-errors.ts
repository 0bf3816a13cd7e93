// Which database errors are a unique or primary key constraint refusing a duplicate, on SQLite
// (better-sqlite3's codes) and PostgreSQL (SQLSTATE 23505).
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}
