import type Database from 'better-sqlite3';
import type { Product } from '@archaics/contracts';

interface ProductRow {
  id: string;
  name: string;
  description: string;
  price_cents: number;
}

const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: row.price_cents / 100,
});

/** Products in SQLite; prices are stored in cents and answered as USD numbers. */
export class ProductRepository {
  private readonly listStatement: Database.Statement<[], ProductRow>;
  private readonly getStatement: Database.Statement<[string], ProductRow>;

  constructor(db: Database.Database) {
    this.listStatement = db.prepare('SELECT id, name, description, price_cents FROM products ORDER BY id');
    this.getStatement = db.prepare('SELECT id, name, description, price_cents FROM products WHERE id = ?');
  }

  list(): Product[] {
    return this.listStatement.all().map(toProduct);
  }

  find(id: string): Product | undefined {
    const row = this.getStatement.get(id);
    return row ? toProduct(row) : undefined;
  }
}
