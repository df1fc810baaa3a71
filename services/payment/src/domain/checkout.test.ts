import { describe, expect, it } from 'vitest';
import { priceCheckout } from './checkout.ts';
import { checkCartItems, checkProducts } from '@archaics/contracts/validate';

const catalogue = checkProducts([
  { id: 'p1', name: 'Laptop', price: 999.99 },
  { id: 'p2', name: 'Mouse', price: 19.99 },
  { id: 'p3', name: 'Broken', price: -3 },
]);

describe(priceCheckout.name, () => {
  it('prices every line in integer cents', () => {
    const priced = priceCheckout(
      checkCartItems([
        { product_id: 'p2', quantity: 3 },
        { product_id: 'p1', quantity: 1 },
      ]),
      catalogue,
    );
    expect(priced).toEqual({
      ok: true,
      amountTotal: 105996,
      lines: [
        { product_id: 'p2', name: 'Mouse', unit_amount: 1999, quantity: 3, amount: 5997 },
        { product_id: 'p1', name: 'Laptop', unit_amount: 99999, quantity: 1, amount: 99999 },
      ],
    });
  });

  it('refuses the whole checkout when one cart item is corrupted', () => {
    const priced = priceCheckout(
      checkCartItems([
        { product_id: 'p1', quantity: 1 },
        { product_id: 'p2', quantity: -1 },
      ]),
      catalogue,
    );
    expect(priced).toEqual({ ok: false, issues: [{ record: 'p2', reason: 'quantity is not a positive integer' }] });
  });

  it("refuses when an item's product record is corrupted or missing", () => {
    const priced = priceCheckout(
      checkCartItems([
        { product_id: 'p3', quantity: 1 },
        { product_id: 'p9', quantity: 1 },
      ]),
      catalogue,
    );
    expect(priced.ok).toBe(false);
    expect(!priced.ok && priced.issues.map((i) => i.record)).toEqual(['p3', 'p9']);
  });

  it('ignores corrupted records of products that are not in the cart', () => {
    expect(priceCheckout(checkCartItems([{ product_id: 'p1', quantity: 2 }]), catalogue)).toMatchObject({ ok: true, amountTotal: 199998 });
  });
});
