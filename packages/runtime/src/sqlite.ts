import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** How {@link openSqlite} sets a store up. */
export interface SqliteOptions {
  /** How long a statement waits for another connection's lock before SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * `incremental` lets deleted rows give their pages back (`PRAGMA incremental_vacuum`). Set
   * before WAL and the first table, where it takes effect without a VACUUM; an existing file
   * made without it is converted by one VACUUM.
   */
  autoVacuum?: 'incremental';
  /** Creates the tables (and seeds them) once the pragmas are set; the database is closed if it throws. */
  prepare?: (db: Database.Database) => void;
}

/**
 * Opens (creating it and its folder if needed) a SQLite store at `path` (`:memory:` allowed)
 * in WAL mode with synchronous=NORMAL, so a committed write survives a process crash, and a
 * busy timeout; then runs `prepare`. Nothing is left open when a step fails.
 */
export function openSqlite(path: string, options: SqliteOptions = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    if (options.autoVacuum === 'incremental') {
      db.pragma('auto_vacuum = INCREMENTAL');
      if ((db.pragma('auto_vacuum', { simple: true }) as number) !== 2) db.exec('VACUUM');
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    options.prepare?.(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
