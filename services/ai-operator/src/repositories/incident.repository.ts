import type Database from 'better-sqlite3';
import { openSqlite } from '@archaics/runtime/sqlite';
import type { Incident, IncidentStatus } from '@archaics/contracts';

interface Row {
  body: string;
}

/** Incidents in SQLite (`<ARCHAICS_HOME>/data/ai-operator.sqlite`): one row per incident, the record as JSON. */
export class IncidentRepository {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): IncidentRepository {
    return new IncidentRepository(
      openSqlite(path, {
        prepare: (db) =>
          db.exec(`CREATE TABLE IF NOT EXISTS incidents (
            id TEXT PRIMARY KEY,
            anomaly_id TEXT UNIQUE,
            opened_at TEXT NOT NULL,
            status TEXT NOT NULL,
            body TEXT NOT NULL
          );
          CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at DESC);`),
      }),
    );
  }

  /** Inserts a new incident; with an anomaly id already known, returns the existing one instead. */
  create(incident: Incident, anomalyId: string | null): { incident: Incident; created: boolean } {
    return this.db.transaction(() => {
      if (anomalyId !== null) {
        const existing = this.db.prepare<[string], Row>('SELECT body FROM incidents WHERE anomaly_id = ?').get(anomalyId);
        if (existing) return { incident: JSON.parse(existing.body) as Incident, created: false };
      }
      this.db
        .prepare('INSERT INTO incidents (id, anomaly_id, opened_at, status, body) VALUES (?, ?, ?, ?, ?)')
        .run(incident.id, anomalyId, incident.opened_at, incident.status, JSON.stringify(incident));
      return { incident, created: true };
    })();
  }

  save(incident: Incident): void {
    this.db.prepare('UPDATE incidents SET status = ?, body = ? WHERE id = ?').run(incident.status, JSON.stringify(incident), incident.id);
  }

  get(id: string): Incident | undefined {
    const row = this.db.prepare<[string], Row>('SELECT body FROM incidents WHERE id = ?').get(id);
    return row ? (JSON.parse(row.body) as Incident) : undefined;
  }

  /** Newest first. */
  list(limit: number): Incident[] {
    return this.db
      .prepare<[number], Row>('SELECT body FROM incidents ORDER BY opened_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map((row) => JSON.parse(row.body) as Incident);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
  }

  /** The incidents in one of `statuses`, oldest first. */
  withStatus(statuses: readonly IncidentStatus[]): Incident[] {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => '?').join(', ');
    return this.db
      .prepare<string[], Row>(`SELECT body FROM incidents WHERE status IN (${marks}) ORDER BY opened_at, rowid`)
      .all(...statuses)
      .map((row) => JSON.parse(row.body) as Incident);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
