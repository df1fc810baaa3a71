import { openSqlite } from '@archaics/runtime/sqlite';
import type Database from 'better-sqlite3';

/** Seeded catalogue: inserted when missing at every start, never overwritten. */
const SEED_PRODUCTS = [
  { id: 'p1', name: 'Laptop', description: 'High-performance laptop', price_cents: 99_999 },
  { id: 'p2', name: 'Headphones', description: 'Noise-cancelling wireless headphones', price_cents: 19_999 },
  { id: 'p3', name: 'Keyboard', description: 'Mechanical keyboard', price_cents: 7_999 },
  { id: 'p4', name: 'Mouse', description: 'Wireless mouse', price_cents: 2_999 },
  { id: 'p5', name: 'Monitor', description: '27-inch 4K monitor', price_cents: 29_999 },
] as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS products (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents >= 0)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cart_items (
  user_id    TEXT NOT NULL,
  product_id TEXT NOT NULL REFERENCES products(id),
  quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, product_id)
) WITHOUT ROWID;
`;

/**
 * Opens the store: WAL with synchronous=NORMAL, so a committed write survives a
 * process crash (the crash fault) and a restart; creates the tables and seeds products.
 */
export function openDatabase(path: string): Database.Database {
  return openSqlite(path, {
    prepare: (db) => {
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      const insert = db.prepare(
        'INSERT OR IGNORE INTO products (id, name, description, price_cents) VALUES (@id, @name, @description, @price_cents)',
      );
      db.transaction(() => {
        for (const product of SEED_PRODUCTS) insert.run(product);
      })();
    },
  });
}
