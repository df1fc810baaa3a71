import { Type, type Static } from '@sinclair/typebox';

/** A cart line never holds more than this many units (db-service refuses an addition past it). */
export const MAX_LINE_QUANTITY = 999;

const nonBlank = (options: { examples?: string[]; maxLength?: number } = {}) => Type.String({ minLength: 1, pattern: '\\S', ...options });

/** A catalogue entry (SPEC §3): as the db holds it and the product service shows it. */
export const Product = Type.Object({
  id: nonBlank({ examples: ['p1'] }),
  name: nonBlank({ examples: ['Laptop'] }),
  description: Type.String(),
  price: Type.Number({ minimum: 0, description: 'USD, two decimals', examples: [999.99] }),
});
export type Product = Static<typeof Product>;

/** One line of a cart as the db stores it. */
export const CartItem = Type.Object({
  product_id: nonBlank({ examples: ['p1'] }),
  quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }),
});
export type CartItem = Static<typeof CartItem>;

/** One line of a cart as the product service shows it: the item with its product's name and price. */
export const CartLine = Type.Object({
  product_id: Type.String(),
  name: Type.String(),
  price: Type.Number({ description: 'USD' }),
  quantity: Type.Integer(),
  subtotal: Type.Number({ description: 'USD, price × quantity computed in cents' }),
});
export type CartLine = Static<typeof CartLine>;

/** A cart as the product service's `GET /cart` shows it (SPEC §3). */
export const PricedCart = Type.Object({
  user_id: Type.String(),
  items: Type.Array(CartLine),
  total: Type.Number({ description: 'USD' }),
});
export type PricedCart = Static<typeof PricedCart>;

/** Why one upstream record was refused; `record` is its id when it has one, else `#<index>`. */
export interface RecordIssue {
  record: string;
  reason: string;
}

/** The usable records of an upstream answer and the refused ones. */
export interface Checked<T> {
  valid: T[];
  issues: RecordIssue[];
  /** How many records the upstream sent. */
  received: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The item list of a db cart answer `{user_id, items}`, or undefined when the answer has no such list. */
export function cartItemsOf(body: unknown): unknown[] | undefined {
  return isObject(body) && Array.isArray(body.items) ? body.items : undefined;
}

/** `p3: price is negative; #4: id is missing (+2 more)` — for a log line. */
export function describeIssues(issues: readonly RecordIssue[], limit = 5): string {
  const shown = issues.slice(0, limit).map((issue) => `${issue.record}: ${issue.reason}`);
  const more = issues.length > limit ? ` (+${issues.length - limit} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/** A cart item with the catalogue's record of its product. */
export interface PricedItem {
  item: CartItem;
  product: Product;
}

/**
 * Pairs each cart item with its product; an item whose product is not in the (checked)
 * catalogue cannot be priced and is refused.
 */
export function withProducts(items: readonly CartItem[], products: readonly Product[]): { priced: PricedItem[]; issues: RecordIssue[] } {
  const byId = new Map(products.map((product) => [product.id, product]));
  const priced: PricedItem[] = [];
  const issues: RecordIssue[] = [];
  for (const item of items) {
    const product = byId.get(item.product_id);
    if (product) priced.push({ item, product });
    else issues.push({ record: item.product_id.slice(0, 64), reason: 'product missing from the catalogue or its record is invalid' });
  }
  return { priced, issues };
}

/** Whole cents of a USD amount (prices are kept in dollars by the db). */
export const toCents = (dollars: number): number => Math.round(dollars * 100);
