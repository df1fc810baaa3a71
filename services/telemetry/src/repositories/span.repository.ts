import type Database from 'better-sqlite3';
import { SPAN_KIND_NAMES, STATUS_ERROR, STATUS_OK, type SpanEvent, type SpanLink, type SpanRecord, type Tag } from '../domain/span.ts';
import { NameCatalogue } from './name-catalogue.ts';
import { RowLog } from './row-log.ts';
import { decodeTags, encodeTags } from './tag-list.ts';
import { TraceIndex } from './trace-index.ts';

/** What `GET /api/traces` searches for; a trace matches when one of its spans matches all of it. */
export interface TraceQuery {
  readonly service: string;
  readonly operation?: string | undefined;
  /** Tag key → value as text; matched against span tags, process tags and log fields (as Jaeger does). */
  readonly tags: Readonly<Record<string, string>>;
  readonly startUs: number;
  readonly endUs: number;
  readonly minDurationUs?: number | undefined;
  readonly maxDurationUs?: number | undefined;
  readonly limit: number;
}

export interface RetentionOptions {
  /** At most this many spans are kept. */
  readonly maxSpans: number;
  /** Spans that started longer ago than this are deleted. */
  readonly retentionS: number;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
  /** Spans written between two age sweeps on the write path (default 1000). */
  readonly ageCheckEvery?: number;
}

export interface PruneResult {
  readonly byAge: number;
  readonly bySize: number;
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

const MAX_NAMES = 10_000;

/** What a delete returns: enough to keep the in-memory indexes in step. */
type DeletedRow = [rowid: number, traceId: string, service: string, operation: string, kind: number];
const RETURNING = 'RETURNING rowid, trace_id, service, operation, kind';

// A stored tag's value as the text a query compares with: booleans as true/false, numbers in decimal.
// Span and resource tags are [key, value(, type)] entries (tag-list.ts); event fields {key, type, value} objects.
const tagText = (alias: string, path: string): string =>
  `CASE json_type(${alias}.value, '${path}') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(${alias}.value, '${path}') AS TEXT) END`;
const TAG_IN = (column: string): string =>
  `EXISTS (SELECT 1 FROM json_each(s.${column}) a WHERE json_extract(a.value, '$[0]') = ? AND ${tagText('a', '$[1]')} = ?)`;
const TAG_IN_EVENTS = `EXISTS (SELECT 1 FROM json_each(s.events) e, json_each(e.value, '$.attributes') a WHERE json_extract(a.value, '$.key') = ? AND ${tagText('a', '$.value')} = ?)`;

/**
 * The span store: batched inserts, the queries of the Jaeger API, and retention by age and
 * by count. The count is the trace index's (checked against the table at every sweep), so the size bound is
 * enforced after every batch at no cost; so is the index of traces ({@link TraceIndex}),
 * which finds a trace's rows and keeps a span sent twice from being stored twice.
 */
export class SpanRepository {
  private readonly insertStatement: Database.Statement;
  private readonly insertMany: (spans: readonly SpanRecord[]) => number;
  private readonly deleteBefore: Database.Statement;
  private readonly deleteFirst: Database.Statement;
  private readonly byRowids: Database.Statement;
  private readonly traceIndex = new TraceIndex();
  private readonly names = new NameCatalogue();
  private readonly rowLog = new RowLog();
  private readonly now: () => number;
  private readonly ageCheckEvery: number;
  private writtenSinceAgeCheck = 0;
  private deletedSinceSweep = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly retention: RetentionOptions,
  ) {
    this.now = retention.now ?? Date.now;
    this.ageCheckEvery = retention.ageCheckEvery ?? 1000;
    this.insertStatement = db.prepare(`
      INSERT INTO spans (trace_id, span_id, parent_span_id, service, operation, kind, start_us, duration_us,
        status_code, status_message, flags, trace_state, scope_name, scope_version, attributes, events, links, resource_attributes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.deleteBefore = db.prepare(`DELETE FROM spans WHERE service = ? AND start_us < ? ${RETURNING}`).raw();
    // The first written go first: rowids grow with every span written, and the row log knows them.
    this.deleteFirst = db.prepare('DELETE FROM spans WHERE rowid <= ?');
    this.byRowids = db.prepare('SELECT * FROM spans WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY start_us, span_id');
    this.insertMany = db.transaction((spans: readonly SpanRecord[]) => {
      let inserted = 0;
      // The spans of one resource share its tags: written as text once per batch.
      let resource: readonly Tag[] | undefined;
      let resourceJson = '';
      for (const span of spans) {
        if (this.traceIndex.has(span.traceId, span.spanId)) continue;
        if (span.resource !== resource) {
          resource = span.resource;
          resourceJson = encodeTags(resource);
        }
        const { lastInsertRowid } = this.insertStatement.run(
          span.traceId,
          span.spanId,
          span.parentSpanId,
          span.service,
          span.operation,
          span.kind,
          span.startUs,
          span.durationUs,
          span.statusCode,
          span.statusMessage,
          span.flags,
          span.traceState,
          span.scopeName,
          span.scopeVersion,
          encodeTags(span.attributes),
          span.events.length === 0 ? '[]' : JSON.stringify(span.events),
          span.links.length === 0 ? '[]' : JSON.stringify(span.links),
          resourceJson,
        );
        const rowid = Number(lastInsertRowid);
        const traceId = this.traceIndex.add(span.traceId, span.spanId, rowid);
        this.rowLog.push({ rowid, traceId, name: this.names.add(span.service, span.operation, span.kind), kind: span.kind });
        inserted++;
      }
      return inserted;
    });
    this.loadIndex();
  }

  /** Stores spans in one transaction (a span already stored is kept as it was); returns how many were new. */
  insert(spans: readonly SpanRecord[]): number {
    if (spans.length === 0) return 0;
    let inserted: number;
    try {
      inserted = this.insertMany(spans);
    } catch (error) {
      // The transaction was rolled back: the index may hold rows that are not there.
      this.loadIndex();
      throw error;
    }
    this.writtenSinceAgeCheck += inserted;
    let deleted = 0;
    if (this.writtenSinceAgeCheck >= this.ageCheckEvery) {
      this.writtenSinceAgeCheck = 0;
      deleted += this.deleteOlderThan(this.cutoffUs());
    }
    // Every stored row is in the trace index (kept in step with each insert and delete): it counts them.
    const excess = this.traceIndex.rowCount - this.retention.maxSpans;
    if (excess > 0) deleted += this.deleteOldest(excess);
    this.deletedSinceSweep += deleted;
    return inserted;
  }

  /**
   * The timer's sweep: the age and size bounds (the count recounted), then gives the pages
   * freed since the last sweep back to the file system and trims the WAL file.
   */
  sweep(): PruneResult {
    this.writtenSinceAgeCheck = 0;
    const byAge = this.deleteOlderThan(this.cutoffUs());
    if (this.countStored() !== this.traceIndex.rowCount) this.loadIndex();
    const excess = this.traceIndex.rowCount - this.retention.maxSpans;
    const bySize = excess > 0 ? this.deleteOldest(excess) : 0;
    if (byAge + bySize + this.deletedSinceSweep > 0) this.db.pragma('incremental_vacuum');
    this.deletedSinceSweep = 0;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { byAge, bySize };
  }

  /** Spans currently stored. */
  count(): number {
    return this.traceIndex.rowCount;
  }

  /** Service names, sorted. */
  services(): string[] {
    return this.names.services().slice(0, MAX_NAMES);
  }

  /** Operation names of a service, sorted. */
  operations(service: string): string[] {
    return this.names.operations(service).slice(0, MAX_NAMES);
  }

  /** Operation names of a service with their span kinds (`spanKind` filters by Jaeger's kind name). */
  operationsWithKind(service: string, spanKind?: string): Array<{ name: string; spanKind: string }> {
    return this.names
      .operationsWithKind(service)
      .slice(0, MAX_NAMES)
      .filter((op) => spanKind === undefined || op.spanKind === spanKind);
  }

  /** Every span of a trace, by start time. */
  trace(traceId: string): SpanRecord[] {
    const rowids = this.traceIndex.rowids(traceId);
    if (rowids.length === 0) return [];
    return (this.byRowids.all(JSON.stringify(rowids)) as SpanRow[]).map(toRecord);
  }

  /** Traces with a span matching the query, newest first (by their latest matching span), whole. */
  findTraces(query: TraceQuery): SpanRecord[][] {
    const where = ['s.service = ?', 's.start_us >= ?', 's.start_us <= ?'];
    const params: Array<string | number> = [query.service, query.startUs, query.endUs];
    if (query.operation) {
      where.push('s.operation = ?');
      params.push(query.operation);
    }
    if (query.minDurationUs !== undefined) {
      where.push('s.duration_us >= ?');
      params.push(query.minDurationUs);
    }
    if (query.maxDurationUs !== undefined) {
      where.push('s.duration_us <= ?');
      params.push(query.maxDurationUs);
    }
    for (const [key, value] of Object.entries(query.tags)) {
      const { sql, values } = tagCondition(key, value);
      where.push(sql);
      params.push(...values);
    }
    const ids = this.db
      .prepare(`SELECT s.trace_id FROM spans s WHERE ${where.join(' AND ')} GROUP BY s.trace_id ORDER BY max(s.start_us) DESC LIMIT ?`)
      .pluck()
      .all(...params, query.limit) as string[];
    return this.tracesByIds(ids);
  }

  /** The traces of the given ids that exist, in the given order. */
  tracesByIds(ids: readonly string[]): SpanRecord[][] {
    const rowids = ids.flatMap((id) => this.traceIndex.rowids(id));
    if (rowids.length === 0) return [];
    const rows = this.byRowids.all(JSON.stringify(rowids)) as SpanRow[];
    const byTrace = new Map<string, SpanRecord[]>(ids.map((id) => [id, []]));
    for (const row of rows) byTrace.get(row.trace_id)?.push(toRecord(row));
    return [...byTrace.values()].filter((spans) => spans.length > 0);
  }

  private cutoffUs(): number {
    return (this.now() - this.retention.retentionS * 1000) * 1000;
  }

  /** Deletes, service by service (through the index on service and start), the spans started before the cutoff. */
  private deleteOlderThan(cutoffUs: number): number {
    let deleted = 0;
    for (const service of this.names.services()) deleted += this.unindex(this.deleteBefore.all(service, cutoffUs) as DeletedRow[]);
    return deleted;
  }

  private deleteOldest(excess: number): number {
    const rows = this.rowLog.shift(excess);
    if (rows.length === 0) return 0;
    const deleted = this.deleteFirst.run(rows[rows.length - 1]!.rowid).changes;
    for (const row of rows) {
      this.traceIndex.remove(row.traceId, row.rowid);
      this.names.removeSpan(row.name, row.kind);
    }
    // Only the repository writes the file; should the log be wrong all the same, rebuild from the table.
    if (deleted !== rows.length) this.loadIndex();
    return deleted;
  }

  private unindex(deleted: readonly DeletedRow[]): number {
    for (const [rowid, traceId, service, operation, kind] of deleted) {
      this.traceIndex.remove(traceId, rowid);
      this.names.remove(service, operation, kind);
      this.rowLog.markGone(rowid);
    }
    return deleted.length;
  }

  /** Rebuilds the in-memory indexes from the table. */
  private loadIndex(): void {
    this.traceIndex.clear();
    this.names.clear();
    this.rowLog.clear();
    const rows = this.db.prepare('SELECT rowid, trace_id, span_id, service, operation, kind FROM spans ORDER BY rowid').raw().iterate() as IterableIterator<
      [number, string, string, string, string, number]
    >;
    for (const [rowid, traceId, spanId, service, operation, kind] of rows) {
      const key = this.traceIndex.add(traceId, spanId, rowid);
      this.rowLog.push({ rowid, traceId: key, name: this.names.add(service, operation, kind), kind });
    }
  }

  private countStored(): number {
    return this.db.prepare('SELECT count(*) FROM spans').pluck().get() as number;
  }
}

/** The SQL matching one tag, Jaeger's way: span tags (those derived from OTLP fields too), process tags, log fields. */
function tagCondition(key: string, value: string): { sql: string; values: Array<string | number> } {
  const parts = [TAG_IN('attributes'), TAG_IN('resource_attributes'), TAG_IN_EVENTS];
  const values: Array<string | number> = [key, value, key, value, key, value];
  const derived = derivedTagCondition(key, value);
  if (derived) {
    parts.push(derived.sql);
    values.push(...derived.values);
  }
  return { sql: `(${parts.join(' OR ')})`, values };
}

function derivedTagCondition(key: string, value: string): { sql: string; values: Array<string | number> } | null {
  switch (key) {
    case 'span.kind': {
      const kind = Object.entries(SPAN_KIND_NAMES).find(([, name]) => name === value)?.[0];
      return kind === undefined ? null : { sql: 's.kind = ?', values: [Number(kind)] };
    }
    case 'error':
      return value === 'true' ? { sql: 's.status_code = ?', values: [STATUS_ERROR] } : null;
    case 'otel.status_code':
      return value === 'ERROR' || value === 'OK' ? { sql: 's.status_code = ?', values: [value === 'OK' ? STATUS_OK : STATUS_ERROR] } : null;
    case 'otel.status_description':
      return { sql: 's.status_message = ?', values: [value] };
    case 'otel.scope.name':
      return { sql: 's.scope_name = ?', values: [value] };
    case 'otel.scope.version':
      return { sql: 's.scope_version = ?', values: [value] };
    case 'w3c.tracestate':
      return { sql: 's.trace_state = ?', values: [value] };
    case 'event':
      return { sql: "EXISTS (SELECT 1 FROM json_each(s.events) e WHERE json_extract(e.value, '$.name') = ?)", values: [value] };
    default:
      return null;
  }
}

function toRecord(row: SpanRow): SpanRecord {
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
    events: JSON.parse(row.events) as SpanEvent[],
    links: JSON.parse(row.links) as SpanLink[],
    resource: decodeTags(row.resource_attributes),
  };
}
