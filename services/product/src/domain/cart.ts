import { toCents, withProducts, type CartItem, type CartLine, type PricedCart, type Product, type RecordIssue } from '@archaics/contracts';

/**
 * Prices a cart from the catalogue: each item gets its product's name and price, a
 * subtotal, and the cart a total (computed in cents, so 3 × 19.99 is 59.97). An item whose
 * product is not in the (checked) catalogue cannot be priced and is refused.
 */
export function priceCart(
  userId: string,
  items: readonly CartItem[],
  products: readonly Product[],
): {
  cart: PricedCart;
  issues: RecordIssue[];
} {
  const { priced, issues } = withProducts(items, products);
  const lines: CartLine[] = [];
  let totalCents = 0;
  for (const { item, product } of priced) {
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
