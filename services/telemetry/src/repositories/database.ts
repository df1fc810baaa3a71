import type Database from 'better-sqlite3';
import { openSqlite } from '@archaics/common';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spans (
  trace_id            TEXT    NOT NULL,
  span_id             TEXT    NOT NULL,
  parent_span_id      TEXT,
  service             TEXT    NOT NULL,
  operation           TEXT    NOT NULL,
  kind                INTEGER NOT NULL,
  start_us            INTEGER NOT NULL,
  duration_us         INTEGER NOT NULL,
  status_code         INTEGER NOT NULL,
  status_message      TEXT    NOT NULL,
  flags               INTEGER NOT NULL,
  trace_state         TEXT    NOT NULL,
  scope_name          TEXT    NOT NULL,
  scope_version       TEXT    NOT NULL,
  attributes          TEXT    NOT NULL,
  events              TEXT    NOT NULL,
  links               TEXT    NOT NULL,
  resource_attributes TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_id, span_id);
CREATE INDEX IF NOT EXISTS spans_by_service_start ON spans (service, start_us);
CREATE INDEX IF NOT EXISTS spans_by_service_operation ON spans (service, operation);
CREATE INDEX IF NOT EXISTS spans_by_start ON spans (start_us);
`;

/**
 * Opens the span store (WAL, synchronous=NORMAL, through the shared opener) with incremental
 * auto-vacuum, so that deleted spans give their pages back to the file system, and a WAL
 * file trimmed back after checkpoints.
 */
export function openSpanDatabase(path: string): Database.Database {
  return openSqlite(path, {
    autoVacuum: 'incremental',
    prepare(db) {
      db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
      db.exec(SCHEMA);
    },
  });
}
