import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { decodeOtlpBody } from '../domain/otlp-decode.ts';
import type { SpanRecord } from '../domain/span.ts';
import { matchesTag } from '../domain/tag-match.ts';
import { BLOCK_PROTOBUF, BLOCK_RECORDS } from './database.ts';
import { NameCatalogue } from './name-catalogue.ts';
import { TraceIndex, type SpanEntry, type StoredBlock } from './trace-index.ts';

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
  /** Decoded blocks kept for reads (default 32). */
  readonly cachedBlocks?: number;
  /** A search gives the event loop back after this much work, so that exports go on being received (default 10 ms). */
  readonly searchSliceMs?: number;
}

export interface PruneResult {
  readonly byAge: number;
  readonly bySize: number;
}

/** What the store holds, for its gauges (spans per service: {@link SpanRepository.spansByService}). */
export interface StoreStats {
  readonly traces: number;
  readonly blocks: number;
  /** Spans written since the store opened (new ones: a span sent again is not written twice). */
  readonly written: number;
  /** Blocks that could not be read when the store opened, and were deleted. */
  readonly unreadable: number;
}

const MAX_NAMES = 10_000;

/**
 * The span store. Each export request is one row (a block): a protobuf body as it came, or
 * the span records of an OTLP/JSON request as JSON. One row per request instead of one per
 * span is what makes storing cheap: SQLite's cost is mostly per row. Everything else is in
 * memory, rebuilt from the file when the store opens and kept in step with every write and
 * delete (the repository is the file's only writer): each stored span's trace, operation,
 * kind, start and place ({@link TraceIndex}), and the service and operation names
 * ({@link NameCatalogue}). A span sent twice is stored once.
 *
 * Reads decode the blocks they need again (the same decoder, so the same spans), a few kept
 * decoded. A search goes through the blocks of the service from the newest, and stops when no
 * older block can hold a better match.
 *
 * Retention deletes spans one by one from the indexes, the first written first (size bound) or
 * those started before the window (age), and a block's row once none of its spans is left.
 */
export class SpanRepository {
  private readonly insertBlock: Database.Statement;
  private readonly deleteBlock: Database.Statement;
  private readonly selectBlock: Database.Statement;
  private readonly write: (spans: readonly SpanRecord[], protobuf: Uint8Array | undefined) => number;
  /** Blocks by id, in the order they were written. */
  private readonly blocks = new Map<number, StoredBlock>();
  private readonly traceIndex = new TraceIndex();
  private readonly names = new NameCatalogue();
  /** Decoded blocks, least recently used first. */
  private readonly decoded = new Map<number, readonly SpanRecord[]>();
  private readonly now: () => number;
  private readonly ageCheckEvery: number;
  private readonly cachedBlocks: number;
  private readonly searchSliceMs: number;
  private writtenSinceAgeCheck = 0;
  private deletedSinceSweep = 0;
  private written = 0;
  private unreadable = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly retention: RetentionOptions,
  ) {
    this.now = retention.now ?? Date.now;
    this.ageCheckEvery = retention.ageCheckEvery ?? 1000;
    this.cachedBlocks = retention.cachedBlocks ?? 32;
    this.searchSliceMs = retention.searchSliceMs ?? 10;
    this.insertBlock = db.prepare('INSERT INTO span_blocks (format, body) VALUES (?, ?)');
    this.deleteBlock = db.prepare('DELETE FROM span_blocks WHERE id = ?');
    this.selectBlock = db.prepare('SELECT format, body FROM span_blocks WHERE id = ?');
    // The block, and the deletions retention makes after it, commit together.
    this.write = db.transaction((spans: readonly SpanRecord[], protobuf: Uint8Array | undefined) => this.writeBlock(spans, protobuf));
    this.load();
  }

  /**
   * Stores the spans of one export request (a span already stored is kept as it was); returns
   * how many were new. `protobuf` is the request's body when it came as protobuf: it is what
   * is stored, and it must decode ({@link decodeOtlpBody}) to exactly `spans`.
   */
  insert(spans: readonly SpanRecord[], protobuf?: Uint8Array): number {
    if (spans.length === 0) return 0;
    try {
      return this.write(spans, protobuf);
    } catch (error) {
      // The transaction was rolled back: the indexes may hold what is not there.
      this.load();
      throw error;
    }
  }

  /**
   * The timer's sweep: the age and size bounds (the blocks recounted), then gives the pages
   * freed since the last sweep back to the file system and trims the WAL file.
   */
  sweep(): PruneResult {
    this.writtenSinceAgeCheck = 0;
    const byAge = this.deleteOlderThan(this.cutoffUs());
    if (this.countBlocks() !== this.blocks.size) this.load();
    const excess = this.traceIndex.count - this.retention.maxSpans;
    const bySize = excess > 0 ? this.deleteOldest(excess) : 0;
    if (byAge + bySize + this.deletedSinceSweep > 0) this.db.pragma('incremental_vacuum');
    this.deletedSinceSweep = 0;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { byAge, bySize };
  }

  /** Spans currently stored. */
  count(): number {
    return this.traceIndex.count;
  }

  /** Spans stored, per service. */
  spansByService(): Map<string, number> {
    return this.names.spansByService();
  }

  stats(): StoreStats {
    return {
      traces: this.traceIndex.size,
      blocks: this.blocks.size,
      written: this.written,
      unreadable: this.unreadable,
    };
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

  /** Every span of a trace, by start time (then span id). */
  trace(traceId: string): SpanRecord[] {
    const entries = this.traceIndex.entries(traceId);
    return entries.length === 0 ? [] : this.records(entries).sort(byStart);
  }

  /**
   * Traces with a span matching the query, newest first (by their latest matching span), whole.
   * A search that has to read many blocks gives the event loop back every `searchSliceMs`:
   * exports are received meanwhile (spans deleted meanwhile are no longer live, and passed over).
   */
  async findTraces(query: TraceQuery): Promise<SpanRecord[][]> {
    const tags = Object.entries(query.tags);
    const candidates = [...this.blocks.values()]
      .filter((b) => b.services.has(query.service) && b.maxStartUs >= query.startUs && b.minStartUs <= query.endUs)
      .sort((a, b) => b.maxStartUs - a.maxStartUs);
    /** Trace id → the start of its latest matching span. */
    const best = new Map<string, number>();
    let floor = -Infinity;
    let sliceStart = performance.now();
    for (const block of candidates) {
      // No span of this block (or of an older one) can beat the limit-th trace found.
      if (best.size >= query.limit && block.maxStartUs < floor) break;
      if (performance.now() - sliceStart >= this.searchSliceMs) {
        await nextTurn();
        sliceStart = performance.now();
      }
      let spans: readonly SpanRecord[] | undefined;
      for (const entry of block.entries) {
        if (!entry.live || entry.name.service !== query.service || entry.startUs < query.startUs || entry.startUs > query.endUs) continue;
        if (query.operation && entry.name.operation !== query.operation) continue;
        if ((best.get(entry.traceId) ?? -Infinity) >= entry.startUs) continue;
        spans ??= this.decodedBlock(block);
        const span = spans[entry.pos]!;
        if (query.minDurationUs !== undefined && span.durationUs < query.minDurationUs) continue;
        if (query.maxDurationUs !== undefined && span.durationUs > query.maxDurationUs) continue;
        if (!tags.every(([key, value]) => matchesTag(span, key, value))) continue;
        best.set(entry.traceId, entry.startUs);
      }
      if (best.size >= query.limit) floor = [...best.values()].sort((a, b) => b - a)[query.limit - 1]!;
    }
    const ids = [...best.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, query.limit)
      .map(([id]) => id);
    return this.tracesByIds(ids);
  }

  /** The traces of the given ids that exist, in the given order. */
  tracesByIds(ids: readonly string[]): SpanRecord[][] {
    return ids.map((id) => this.trace(id)).filter((spans) => spans.length > 0);
  }

  private writeBlock(spans: readonly SpanRecord[], protobuf: Uint8Array | undefined): number {
    // The spans not stored yet (nor twice in this request), by position in `spans`.
    const fresh: number[] = [];
    let seen: Set<string> | undefined;
    for (let i = 0; i < spans.length; i++) {
      const { traceId, spanId } = spans[i]!;
      if (this.traceIndex.has(traceId, spanId)) continue;
      if (seen?.has(traceId + spanId)) continue;
      (seen ??= new Set()).add(traceId + spanId);
      fresh.push(i);
    }
    if (fresh.length === 0) return 0;
    // A protobuf body is kept whole (its spans are found by position); records, only the new ones.
    const stored = protobuf ? null : fresh.length === spans.length ? spans : fresh.map((i) => spans[i]!);
    const body = protobuf ?? Buffer.from(JSON.stringify(stored));
    const id = Number(this.insertBlock.run(protobuf ? BLOCK_PROTOBUF : BLOCK_RECORDS, body).lastInsertRowid);
    const block = this.addBlock(id);
    for (let k = 0; k < fresh.length; k++) {
      const i = fresh[k]!;
      this.index(block, protobuf ? i : k, spans[i]!);
    }
    this.written += fresh.length;

    this.writtenSinceAgeCheck += fresh.length;
    let deleted = 0;
    if (this.writtenSinceAgeCheck >= this.ageCheckEvery) {
      this.writtenSinceAgeCheck = 0;
      deleted += this.deleteOlderThan(this.cutoffUs());
    }
    const excess = this.traceIndex.count - this.retention.maxSpans;
    if (excess > 0) deleted += this.deleteOldest(excess);
    this.deletedSinceSweep += deleted;
    return fresh.length;
  }

  private addBlock(id: number): StoredBlock {
    const block: StoredBlock = { id, entries: [], live: 0, head: 0, minStartUs: Infinity, maxStartUs: -Infinity, services: new Set() };
    this.blocks.set(id, block);
    return block;
  }

  private index(block: StoredBlock, pos: number, span: SpanRecord): void {
    const entry: SpanEntry = {
      block,
      pos,
      traceId: this.traceIndex.key(span.traceId),
      spanId: span.spanId,
      name: this.names.add(span.service, span.operation, span.kind),
      kind: span.kind,
      startUs: span.startUs,
      live: true,
    };
    block.entries.push(entry);
    block.live++;
    if (span.startUs < block.minStartUs) block.minStartUs = span.startUs;
    if (span.startUs > block.maxStartUs) block.maxStartUs = span.startUs;
    block.services.add(span.service);
    this.traceIndex.add(entry);
  }

  private unindex(entry: SpanEntry): void {
    entry.live = false;
    entry.block.live--;
    this.traceIndex.remove(entry);
    this.names.removeSpan(entry.name, entry.kind);
  }

  private dropBlock(block: StoredBlock): void {
    this.deleteBlock.run(block.id);
    this.blocks.delete(block.id);
    this.decoded.delete(block.id);
  }

  private cutoffUs(): number {
    return (this.now() - this.retention.retentionS * 1000) * 1000;
  }

  /** Deletes the spans started before the cutoff; a block goes when it has none left. */
  private deleteOlderThan(cutoffUs: number): number {
    let deleted = 0;
    for (const block of this.blocks.values()) {
      if (block.minStartUs >= cutoffUs) continue;
      let min = Infinity;
      for (const entry of block.entries) {
        if (!entry.live) continue;
        if (entry.startUs < cutoffUs) {
          this.unindex(entry);
          deleted++;
        } else if (entry.startUs < min) min = entry.startUs;
      }
      block.minStartUs = min;
      if (block.live === 0) this.dropBlock(block);
    }
    return deleted;
  }

  /** Deletes `excess` spans, the first written first. */
  private deleteOldest(excess: number): number {
    let deleted = 0;
    for (const block of this.blocks.values()) {
      while (deleted < excess && block.head < block.entries.length) {
        const entry = block.entries[block.head++]!;
        if (!entry.live) continue;
        this.unindex(entry);
        deleted++;
      }
      if (block.live === 0) this.dropBlock(block);
      if (deleted >= excess) break;
    }
    return deleted;
  }

  /** The records of these entries, read from their blocks. */
  private records(entries: readonly SpanEntry[]): SpanRecord[] {
    return entries.map((entry) => this.decodedBlock(entry.block)[entry.pos]!);
  }

  /** A block's spans as written (deleted ones included: entries say which are stored). */
  private decodedBlock(block: StoredBlock): readonly SpanRecord[] {
    const cached = this.decoded.get(block.id);
    if (cached) {
      // Most recently used last.
      this.decoded.delete(block.id);
      this.decoded.set(block.id, cached);
      return cached;
    }
    const row = this.selectBlock.get(block.id) as { format: number; body: Buffer } | undefined;
    if (!row) throw new Error(`span block ${block.id} is indexed but not in the file`);
    const spans = decodeBlock(row.format, row.body);
    this.decoded.set(block.id, spans);
    if (this.decoded.size > this.cachedBlocks) this.decoded.delete(this.decoded.keys().next().value!);
    return spans;
  }

  /**
   * Rebuilds the in-memory indexes from the file, decoding every block. A block that cannot be
   * read (written by a version whose format this one does not know) is deleted and counted; so
   * is, uncounted, one whose spans are all stored in earlier blocks. The spans that retention
   * deleted from blocks that keep others are still in the file: the bounds delete them again.
   */
  private load(): void {
    this.blocks.clear();
    this.traceIndex.clear();
    this.names.clear();
    this.decoded.clear();
    const unreadable: number[] = [];
    const empty: number[] = [];
    const rows = this.db.prepare('SELECT id, format, body FROM span_blocks ORDER BY id').iterate() as IterableIterator<{
      id: number;
      format: number;
      body: Buffer;
    }>;
    for (const row of rows) {
      let spans: readonly SpanRecord[];
      try {
        spans = decodeBlock(row.format, row.body);
      } catch {
        unreadable.push(row.id);
        continue;
      }
      const block = this.addBlock(row.id);
      spans.forEach((span, pos) => {
        if (!this.traceIndex.has(span.traceId, span.spanId)) this.index(block, pos, span);
      });
      if (block.live === 0) empty.push(row.id);
    }
    for (const id of [...unreadable, ...empty]) {
      this.deleteBlock.run(id);
      this.blocks.delete(id);
    }
    this.unreadable += unreadable.length;
    // Spans retention deleted from blocks that keep others are in the file still: delete them again.
    this.deleteOlderThan(this.cutoffUs());
    const excess = this.traceIndex.count - this.retention.maxSpans;
    if (excess > 0) this.deleteOldest(excess);
  }

  private countBlocks(): number {
    return this.db.prepare('SELECT count(*) FROM span_blocks').pluck().get() as number;
  }
}

function decodeBlock(format: number, body: Buffer): readonly SpanRecord[] {
  if (format === BLOCK_PROTOBUF) return decodeOtlpBody(body, true).spans;
  if (format === BLOCK_RECORDS) return JSON.parse(body.toString('utf8')) as SpanRecord[];
  throw new Error(`unknown span block format ${format}`);
}

/** Jaeger's order of a trace's spans: by start, then span id. */
function byStart(a: SpanRecord, b: SpanRecord): number {
  return a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}
