import { openSqlite } from '@archaics/runtime/sqlite';
import type Database from 'better-sqlite3';
import type { CheckoutMode } from '../config.ts';
import type { CheckoutLine } from '../domain/checkout.ts';
import { IDEMPOTENCY_TTL_MS, type StoredAnswer } from '../domain/idempotency.ts';

/** A checkout session as this service keeps it. */
export interface SessionRecord {
  session_id: string;
  user_id: string;
  mode: CheckoutMode;
  /** open: waiting for Stripe's webhook; complete: paid (simulated sessions are complete at once). */
  status: 'open' | 'complete';
  amount_total: number;
  currency: string;
  url: string;
  items: CheckoutLine[];
  cart_cleared: boolean;
  created_at: string;
  completed_at: string | null;
}

/** A session as SQLite holds it: items as JSON, cart_cleared as 0 or 1. */
type SessionRow = Omit<SessionRecord, 'items' | 'cart_cleared'> & { items: string; cart_cleared: number };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkout_sessions (
  session_id   TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  mode         TEXT NOT NULL,
  status       TEXT NOT NULL,
  amount_total INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  url          TEXT NOT NULL,
  items        TEXT NOT NULL,
  cart_cleared INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  completed_at TEXT
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id     TEXT NOT NULL,
  key         TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  body        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_ms);
`;

const fromRow = (row: SessionRow): SessionRecord => ({
  ...row,
  items: JSON.parse(row.items) as CheckoutLine[],
  cart_cleared: row.cart_cleared === 1,
});

/** Checkout sessions and idempotency records in SQLite (WAL), so a restart keeps them. */
export class PaymentRepository {
  private constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  /** Opens (creating if needed) the database at `path` (`:memory:` allowed). */
  static open(path: string, now: () => number = Date.now): PaymentRepository {
    const db = openSqlite(path, { busyTimeoutMs: 2000, prepare: (store) => store.exec(SCHEMA) });
    const repository = new PaymentRepository(db, now);
    repository.pruneIdempotency();
    return repository;
  }

  /** The answer stored for a user's key, unless older than 24 h. */
  findIdempotent(userId: string, key: string): StoredAnswer | undefined {
    const row = this.db
      .prepare('SELECT status_code, body FROM idempotency_keys WHERE user_id = ? AND key = ? AND created_ms > ?')
      .get(userId, key, this.now() - IDEMPOTENCY_TTL_MS) as { status_code: number; body: string } | undefined;
    return row ? ({ status: row.status_code, body: JSON.parse(row.body) as unknown } as StoredAnswer) : undefined;
  }

  /** Records a new session and, in the same transaction, the answer stored under its idempotency key. */
  saveSession(session: SessionRecord, idempotency?: { userId: string; key: string; answer: StoredAnswer }): void {
    const insertSession = this.db.prepare(
      `INSERT INTO checkout_sessions (session_id, user_id, mode, status, amount_total, currency, url, items, cart_cleared, created_at, completed_at)
       VALUES (@session_id, @user_id, @mode, @status, @amount_total, @currency, @url, @items, @cart_cleared, @created_at, @completed_at)`,
    );
    const upsertKey = this.db.prepare(
      `INSERT INTO idempotency_keys (user_id, key, status_code, body, created_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, key) DO UPDATE SET status_code = excluded.status_code, body = excluded.body, created_ms = excluded.created_ms`,
    );
    this.db.transaction(() => {
      insertSession.run({ ...session, items: JSON.stringify(session.items), cart_cleared: session.cart_cleared ? 1 : 0 });
      if (idempotency) {
        upsertKey.run(idempotency.userId, idempotency.key, idempotency.answer.status, JSON.stringify(idempotency.answer.body), this.now());
      }
    })();
    if (idempotency) this.pruneIdempotency();
  }

  findSession(sessionId: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM checkout_sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  markCartCleared(sessionId: string): void {
    this.db.prepare('UPDATE checkout_sessions SET cart_cleared = 1 WHERE session_id = ?').run(sessionId);
  }

  /**
   * Marks a session paid with its cart cleared. A session this service never saw (created
   * elsewhere with our metadata) is recorded from what the webhook says.
   */
  completeSession(fallback: SessionRecord): void {
    const completedAt = new Date(this.now()).toISOString();
    const updated = this.db
      .prepare("UPDATE checkout_sessions SET status = 'complete', cart_cleared = 1, completed_at = ? WHERE session_id = ?")
      .run(completedAt, fallback.session_id);
    if (updated.changes === 0) {
      this.saveSession({ ...fallback, status: 'complete', cart_cleared: true, completed_at: completedAt });
    }
  }

  close(): void {
    this.db.close();
  }

  private pruneIdempotency(): void {
    this.db.prepare('DELETE FROM idempotency_keys WHERE created_ms <= ?').run(this.now() - IDEMPOTENCY_TTL_MS);
  }
}
