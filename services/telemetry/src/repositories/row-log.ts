import type { OperationName } from './name-catalogue.ts';

/** One stored span as the in-memory indexes know it. */
export interface LoggedRow {
  readonly rowid: number;
  readonly traceId: string;
  readonly name: OperationName;
  readonly kind: number;
}

/**
 * The stored spans in rowid order (the order they were written), with what the in-memory
 * indexes need to forget them: deleting the first written spans is then one range delete,
 * with nothing for SQLite to return. Spans deleted otherwise (by age) are marked gone.
 */
export class RowLog {
  private rows: LoggedRow[] = [];
  private head = 0;
  private readonly gone = new Set<number>();

  /** Rowids only grow: a row is appended after every row already in the log. */
  push(row: LoggedRow): void {
    this.rows.push(row);
  }

  /** Marks a row deleted by other means: {@link RowLog.shift} skips it. */
  markGone(rowid: number): void {
    this.gone.add(rowid);
  }

  /** The first `count` live rows (fewer when the log holds fewer), taken out of the log. */
  shift(count: number): LoggedRow[] {
    const taken: LoggedRow[] = [];
    while (taken.length < count && this.head < this.rows.length) {
      const row = this.rows[this.head++]!;
      if (this.gone.size > 0 && this.gone.delete(row.rowid)) continue;
      taken.push(row);
    }
    if (this.head > 4096 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  clear(): void {
    this.rows = [];
    this.head = 0;
    this.gone.clear();
  }
}
