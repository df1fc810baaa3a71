import type Database from 'better-sqlite3';
import { openSqlite } from '@archaics/runtime/sqlite';
import type { SpanRecord } from '../domain/span.ts';
import { decodeTags } from './tag-list.ts';

/**
 * 2: spans in blocks, one row per export request (`span_blocks`). 1 and 0: one row per span
 * (`spans`), tags as compact lists (1) or `{key, type, value}` objects (0); converted on open.
 */
const SCHEMA_VERSION = 2;

/** How a block's body is written. */
export const BLOCK_PROTOBUF = 1;
export const BLOCK_RECORDS = 2;

const SCHEMA = `
-- One row per export request: the body as it came when it was protobuf (an OTLP
-- ExportTraceServiceRequest, decoded again to be read), else the span records as JSON.
-- Everything searches need is indexed in memory (span.repository.ts); ids only grow
-- (AUTOINCREMENT), so the first written are the first deleted.
CREATE TABLE IF NOT EXISTS span_blocks (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  format INTEGER NOT NULL,
  body   BLOB    NOT NULL
);
`;

/** Blocks a file of span rows is converted into, at most this many spans each. */
const MIGRATION_BLOCK = 1024;

/**
 * Opens the span store (WAL, synchronous=NORMAL, through the shared opener) with incremental
 * auto-vacuum, so that deleted blocks give their pages back to the file system, and a WAL
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

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  service: string;
  operation: string;
  kind: number;
  start_us: number;
  duration_us: number;
  status_code: number;
  status_message: string;
  flags: number;
  trace_state: string;
  scope_name: string;
  scope_version: string;
  attributes: string;
  events: string;
  links: string;
  resource_attributes: string;
}

/** Moves the rows of a file written one span per row into blocks of span records, once, in one transaction. */
function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
  db.transaction(() => {
    const hasRows = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'spans'").pluck().get() === 1;
    if (hasRows) {
      const insert = db.prepare('INSERT INTO span_blocks (format, body) VALUES (?, ?)');
      const page = db.prepare(`SELECT rowid AS rid, * FROM spans WHERE rowid > ? ORDER BY rowid LIMIT ${MIGRATION_BLOCK}`);
      for (let after = 0; ;) {
        const rows = page.all(after) as Array<SpanRow & { rid: number }>;
        if (rows.length === 0) break;
        insert.run(BLOCK_RECORDS, Buffer.from(JSON.stringify(rows.map(recordOfRow))));
        after = rows[rows.length - 1]!.rid;
      }
      db.exec('DROP TABLE spans');
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

function recordOfRow(row: SpanRow): SpanRecord {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    operation: row.operation,
    kind: row.kind,
    startUs: row.start_us,
    durationUs: row.duration_us,
    statusCode: row.status_code,
    statusMessage: row.status_message,
    flags: row.flags,
    traceState: row.trace_state,
    scopeName: row.scope_name,
    scopeVersion: row.scope_version,
    attributes: decodeTags(row.attributes),
    events: JSON.parse(row.events) as SpanRecord['events'],
    links: JSON.parse(row.links) as SpanRecord['links'],
    resource: decodeTags(row.resource_attributes),
  };
}
