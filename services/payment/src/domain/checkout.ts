import { toCents, withProducts, type CartItem, type Checked, type Product, type RecordIssue } from '@archaics/contracts';

/** One priced line of a checkout, amounts in cents. */
export interface CheckoutLine {
  product_id: string;
  name: string;
  unit_amount: number;
  quantity: number;
  amount: number;
}

/** The largest amount Stripe accepts for one Checkout Session, in cents ($999,999.99). */
export const MAX_AMOUNT_CENTS = 99_999_999;

export type PricedCheckout = { ok: true; lines: CheckoutLine[]; amountTotal: number } | { ok: false; issues: RecordIssue[] };

/**
 * Prices a cart for charging. Unlike a cart display, nothing may be dropped: a corrupted
 * cart item, or an item whose product record is missing or invalid, refuses the whole
 * checkout (never charge a partial cart or a corrupted price). Corrupted records of
 * products that are not in the cart do not matter.
 */
export function priceCheckout(items: Checked<CartItem>, products: Checked<Product>): PricedCheckout {
  const joined = withProducts(items.valid, products.valid);
  const issues: RecordIssue[] = [...items.issues, ...joined.issues];
  const lines: CheckoutLine[] = [];
  for (const { item, product } of joined.priced) {
    const unitAmount = toCents(product.price);
    lines.push({
      product_id: product.id,
      name: product.name,
      unit_amount: unitAmount,
      quantity: item.quantity,
      amount: unitAmount * item.quantity,
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, lines, amountTotal: lines.reduce((sum, line) => sum + line.amount, 0) };
}
