import type Database from 'better-sqlite3';
import { openSqlite } from '@archaics/common';
import { decodeTags, encodeTags } from './tag-list.ts';

/** 1: span and resource tags as [key, value(, type)] entries (tag-list.ts); 0: as {key, type, value} objects. */
const SCHEMA_VERSION = 1;

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
-- Traces are found through an index kept in memory (trace-index.ts): a B-tree on random
-- trace ids costs a random page write per span. Files from before lose theirs.
DROP INDEX IF EXISTS spans_by_trace;
CREATE INDEX IF NOT EXISTS spans_by_service_start ON spans (service, start_us);
-- Service and operation names are counted in memory (name-catalogue.ts), retention goes by
-- rowid (the first written first) and by service and start: every index costs each span.
DROP INDEX IF EXISTS spans_by_service_operation;
DROP INDEX IF EXISTS spans_by_start;
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
      migrate(db);
    },
  });
}

/** Rewrites the tags of a file written before the compact tag lists, once, in one transaction. */
function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
  db.function('archaics_compact_tags', { deterministic: true }, (text: unknown) => encodeTags(decodeTags(String(text))));
  db.transaction(() => {
    db.exec('UPDATE spans SET attributes = archaics_compact_tags(attributes), resource_attributes = archaics_compact_tags(resource_attributes)');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
