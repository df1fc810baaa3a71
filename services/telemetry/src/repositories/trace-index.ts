/** The stored spans of one trace: their rowids and span ids, in the same order. */
interface TraceEntry {
  key: string;
  rowids: number[];
  spanIds: string[];
}

/**
 * Where each trace's spans are in the span table, kept in memory. Trace ids are random, so a
 * B-tree index on them dirties a random page for nearly every span written (and the WAL and
 * checkpoints write those pages again): it cost more than the rest of a span's row. This
 * index costs a map lookup per span instead, and about 100 bytes of memory per stored span.
 * It is rebuilt from the table when the store opens, and kept in step with every write and
 * delete of the repository (the only writer of the file).
 */
export class TraceIndex {
  private readonly traces = new Map<string, TraceEntry>();
  private rows = 0;

  /** Whether this span (trace and span id) is stored. */
  has(traceId: string, spanId: string): boolean {
    return this.traces.get(traceId)?.spanIds.includes(spanId) ?? false;
  }

  /** Adds a stored span; returns the trace id as the index keeps it (one string per trace, for others to share). */
  add(traceId: string, spanId: string, rowid: number): string {
    this.rows++;
    const entry = this.traces.get(traceId);
    if (entry) {
      entry.rowids.push(rowid);
      entry.spanIds.push(spanId);
      return entry.key;
    }
    this.traces.set(traceId, { key: traceId, rowids: [rowid], spanIds: [spanId] });
    return traceId;
  }

  remove(traceId: string, rowid: number): void {
    const entry = this.traces.get(traceId);
    if (!entry) return;
    const at = entry.rowids.indexOf(rowid);
    if (at < 0) return;
    this.rows--;
    if (entry.rowids.length === 1) {
      this.traces.delete(traceId);
      return;
    }
    entry.rowids.splice(at, 1);
    entry.spanIds.splice(at, 1);
  }

  /** The rowids of a trace's spans (empty when none is stored). */
  rowids(traceId: string): readonly number[] {
    return this.traces.get(traceId)?.rowids ?? [];
  }

  /** Traces with at least one stored span. */
  get size(): number {
    return this.traces.size;
  }

  /** Spans indexed. */
  get rowCount(): number {
    return this.rows;
  }

  clear(): void {
    this.traces.clear();
    this.rows = 0;
  }
}
