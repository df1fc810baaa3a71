import type Database from 'better-sqlite3';
import { MAX_LINE_QUANTITY, type CartItem } from '@archaics/contracts';

/** Why {@link CartRepository.add} refused a write. */
export type AddRefusal = { reason: 'unknown_product' } | { reason: 'line_limit'; current: number };

/** Cart lines in SQLite, one row per (user, product). */
export class CartRepository {
  private readonly itemsStatement: Database.Statement<[string], CartItem>;
  private readonly productExists: Database.Statement<[string], { one: number }>;
  private readonly lineStatement: Database.Statement<[string, string], { quantity: number }>;
  private readonly upsertStatement: Database.Statement<[string, string, number, string]>;
  private readonly clearStatement: Database.Statement<[string]>;
  private readonly addTransaction: (userId: string, productId: string, quantity: number) => AddRefusal | null;

  constructor(db: Database.Database) {
    this.itemsStatement = db.prepare('SELECT product_id, quantity FROM cart_items WHERE user_id = ? ORDER BY product_id');
    this.productExists = db.prepare('SELECT 1 AS one FROM products WHERE id = ?');
    this.lineStatement = db.prepare('SELECT quantity FROM cart_items WHERE user_id = ? AND product_id = ?');
    this.upsertStatement = db.prepare(
      `INSERT INTO cart_items (user_id, product_id, quantity, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = quantity + excluded.quantity, updated_at = excluded.updated_at`,
    );
    this.clearStatement = db.prepare('DELETE FROM cart_items WHERE user_id = ?');
    this.addTransaction = db.transaction((userId: string, productId: string, quantity: number): AddRefusal | null => {
      if (!this.productExists.get(productId)) return { reason: 'unknown_product' };
      const current = this.lineStatement.get(userId, productId)?.quantity ?? 0;
      if (current + quantity > MAX_LINE_QUANTITY) return { reason: 'line_limit', current };
      this.upsertStatement.run(userId, productId, quantity, new Date().toISOString());
      return null;
    });
  }

  items(userId: string): CartItem[] {
    return this.itemsStatement.all(userId);
  }

  /** Adds to a line atomically; returns why it refused, or null once committed. */
  add(userId: string, productId: string, quantity: number): AddRefusal | null {
    return this.addTransaction(userId, productId, quantity);
  }

  /** Removes every line of a user; returns how many were removed. */
  clear(userId: string): number {
    return this.clearStatement.run(userId).changes;
  }
}
