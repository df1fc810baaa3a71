import type { OperationName } from './name-catalogue.ts';

/**
 * One stored export request (a row of `span_blocks`) as the in-memory indexes know it: its
 * spans in the order they were written, and the bounds of their start times.
 */
export interface StoredBlock {
  readonly id: number;
  /** The block's spans that the store keeps, in the order they were written. */
  readonly entries: SpanEntry[];
  /** Entries still stored (not yet deleted by retention). */
  live: number;
  /** Entries before this one are all deleted (the size bound deletes the first written first). */
  head: number;
  /** Smallest and largest start time of the live entries (the smallest may lag behind deletions). */
  minStartUs: number;
  maxStartUs: number;
  readonly services: Set<string>;
}

/** One stored span: where it is (its block and position there) and what searches and listings need without reading it. */
export interface SpanEntry {
  readonly block: StoredBlock;
  /** Its index in the block's decoded spans. */
  readonly pos: number;
  /** The trace id as the index keeps it (one string per trace, shared by its entries). */
  readonly traceId: string;
  readonly spanId: string;
  readonly name: OperationName;
  readonly kind: number;
  readonly startUs: number;
  live: boolean;
}

/**
 * The stored spans of every trace, kept in memory: finds a trace's spans, and keeps a span sent
 * twice from being stored twice. Trace ids are random, so a B-tree index on them in SQLite
 * would dirty a random page for nearly every span written; this costs a map lookup instead.
 * Rebuilt from the file when the store opens, and kept in step with every write and delete of
 * the repository (the only writer of the file).
 */
export class TraceIndex {
  private readonly traces = new Map<string, SpanEntry[]>();
  private spans = 0;

  /** Whether this span (trace and span id) is stored. */
  has(traceId: string, spanId: string): boolean {
    const entries = this.traces.get(traceId);
    if (!entries) return false;
    for (const entry of entries) if (entry.spanId === spanId) return true;
    return false;
  }

  /** The trace id to keep in a new entry: the string the index already holds for the trace, when it holds one. */
  key(traceId: string): string {
    return this.traces.get(traceId)?.[0]?.traceId ?? traceId;
  }

  add(entry: SpanEntry): void {
    this.spans++;
    const entries = this.traces.get(entry.traceId);
    if (entries) entries.push(entry);
    else this.traces.set(entry.traceId, [entry]);
  }

  remove(entry: SpanEntry): void {
    const entries = this.traces.get(entry.traceId);
    if (!entries) return;
    const at = entries.indexOf(entry);
    if (at < 0) return;
    this.spans--;
    if (entries.length === 1) this.traces.delete(entry.traceId);
    else entries.splice(at, 1);
  }

  /** The stored spans of a trace (empty when none is). */
  entries(traceId: string): readonly SpanEntry[] {
    return this.traces.get(traceId) ?? [];
  }

  /** Traces with at least one stored span. */
  get size(): number {
    return this.traces.size;
  }

  /** Spans indexed. */
  get count(): number {
    return this.spans;
  }

  clear(): void {
    this.traces.clear();
    this.spans = 0;
  }
}
