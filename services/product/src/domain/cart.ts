import type { CartItem, Product, RecordIssue } from '@archaics/contracts';

export interface CartLine {
  product_id: string;
  name: string;
  price: number;
  quantity: number;
  subtotal: number;
}

export interface PricedCart {
  user_id: string;
  items: CartLine[];
  total: number;
}

/** Whole cents of a USD amount (prices are kept in dollars by the db). */
export const toCents = (dollars: number): number => Math.round(dollars * 100);

/**
 * Prices a cart from the catalogue: each item gets its product's name and price, a
 * subtotal, and the cart a total (computed in cents, so 3 × 19.99 is 59.97). An item whose
 * product is not in the (checked) catalogue cannot be priced and is refused.
 */
export function priceCart(userId: string, items: readonly CartItem[], products: readonly Product[]): {
  cart: PricedCart;
  issues: RecordIssue[];
} {
  const byId = new Map(products.map((product) => [product.id, product]));
  const lines: CartLine[] = [];
  const issues: RecordIssue[] = [];
  let totalCents = 0;
  for (const item of items) {
    const product = byId.get(item.product_id);
    if (!product) {
      issues.push({ record: item.product_id.slice(0, 64), reason: 'product missing from the catalogue or its record is invalid' });
      continue;
    }
    const subtotalCents = toCents(product.price) * item.quantity;
    totalCents += subtotalCents;
    lines.push({
      product_id: item.product_id,
      name: product.name,
      price: product.price,
      quantity: item.quantity,
      subtotal: subtotalCents / 100,
    });
  }
  return { cart: { user_id: userId, items: lines, total: totalCents / 100 }, issues };
}
