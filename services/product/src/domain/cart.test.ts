import { describe, expect, it } from 'vitest';
import { priceCart } from './cart.ts';

const products = [
  { id: 'p1', name: 'Laptop', description: '', price: 999.99 },
  { id: 'p2', name: 'Mouse', description: '', price: 19.99 },
];

describe(priceCart.name, () => {
  it('prices each item and totals in cents without float drift', () => {
    const { cart, issues } = priceCart(
      'u1',
      [
        { product_id: 'p2', quantity: 3 },
        { product_id: 'p1', quantity: 1 },
      ],
      products,
    );
    expect(issues).toEqual([]);
    expect(cart).toEqual({
      user_id: 'u1',
      items: [
        { product_id: 'p2', name: 'Mouse', price: 19.99, quantity: 3, subtotal: 59.97 },
        { product_id: 'p1', name: 'Laptop', price: 999.99, quantity: 1, subtotal: 999.99 },
      ],
      total: 1059.96,
    });
  });

  it('refuses items whose product is not in the catalogue', () => {
    const { cart, issues } = priceCart(
      'u1',
      [
        { product_id: 'p9', quantity: 1 },
        { product_id: 'p1', quantity: 2 },
      ],
      products,
    );
    expect(cart.items.map((i) => i.product_id)).toEqual(['p1']);
    expect(cart.total).toBe(1999.98);
    expect(issues).toEqual([{ record: 'p9', reason: expect.stringContaining('missing from the catalogue') }]);
  });
});
