import { openSqlite } from '@archaics/runtime/sqlite';
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Opens the users store (WAL, synchronous=NORMAL, busy timeout) and creates its table. */
export function openDatabase(path: string): Database.Database {
  return openSqlite(path, { prepare: (db) => db.exec(SCHEMA) });
}
