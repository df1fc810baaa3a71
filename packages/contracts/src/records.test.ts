import { describe, expect, it } from 'vitest';
import { checkCartItem, checkCartItems, checkProduct, checkProducts } from './record-checks.ts';
import { cartItemsOf, describeIssues, toCents, withProducts } from './records.ts';

describe(checkProduct.name, () => {
  it('accepts a well-formed record and defaults a missing description to an empty string', () => {
    expect(checkProduct({ id: 'p1', name: 'Laptop', price: 999.99 })).toEqual({
      ok: true,
      value: { id: 'p1', name: 'Laptop', description: '', price: 999.99 },
    });
    expect(checkProduct({ id: 'p5', name: 'Free', description: null, price: 0 })).toMatchObject({ ok: true });
  });

  it.each([
    [{ name: 'x', price: 1 }, 'id is missing'],
    [{ id: '', name: 'x', price: 1 }, 'id is not a non-empty string'],
    [{ id: 7, name: 'x', price: 1 }, 'id is not a non-empty string'],
    [{ id: 'p1', name: null, price: 1 }, 'name is null'],
    [{ id: 'p1', name: '  ', price: 1 }, 'name is not a non-empty string'],
    [{ id: 'p1', name: 'x', price: -5 }, 'price is negative'],
    [{ id: 'p1', name: 'x', price: '12.50' }, 'price is not a number'],
    [{ id: 'p1', name: 'x', price: Number.NaN }, 'price is not a number'],
    [{ id: 'p1', name: 'x', price: Number.POSITIVE_INFINITY }, 'price is not a number'],
    [{ id: 'p1', name: 'x', price: 1, description: 42 }, 'description is not a string'],
    [null, 'is not an object'],
    [['p1'], 'is not an object'],
  ])('refuses %j because %s', (record, reason) => {
    expect(checkProduct(record)).toEqual({ ok: false, reason });
  });
});

describe(checkCartItem.name, () => {
  it('accepts a positive integer quantity', () => {
    expect(checkCartItem({ product_id: 'p1', quantity: 3 })).toEqual({ ok: true, value: { product_id: 'p1', quantity: 3 } });
  });

  it.each([
    [{ quantity: 1 }, 'product_id is missing'],
    [{ product_id: 'p1', quantity: -2 }, 'quantity is not a positive integer'],
    [{ product_id: 'p1', quantity: 0 }, 'quantity is not a positive integer'],
    [{ product_id: 'p1', quantity: 1.5 }, 'quantity is not a positive integer'],
    [{ product_id: 'p1', quantity: 'two' }, 'quantity is not a number'],
  ])('refuses %j because %s', (record, reason) => {
    expect(checkCartItem(record)).toEqual({ ok: false, reason });
  });
});

describe(checkProducts.name, () => {
  it('keeps the valid records and names each refused one by id or position', () => {
    const checked = checkProducts([
      { id: 'p1', name: 'A', price: 1 },
      { name: 'B', price: 2 },
      { id: 'p3', name: null, price: 3 },
      { id: 'p1', name: 'again', price: 4 },
    ]);
    expect(checked.valid.map((p) => p.id)).toEqual(['p1']);
    expect(checked.received).toBe(4);
    expect(checked.issues).toEqual([
      { record: '#1', reason: 'id is missing' },
      { record: 'p3', reason: 'name is null' },
      { record: 'p1', reason: 'duplicate id' },
    ]);
  });
});

describe(checkCartItems.name, () => {
  it('drops corrupted items and keeps the others', () => {
    const checked = checkCartItems([{ product_id: 'p1', quantity: 1 }, { quantity: 2 }, { product_id: 'p2', quantity: -1 }]);
    expect(checked.valid).toEqual([{ product_id: 'p1', quantity: 1 }]);
    expect(checked.issues).toHaveLength(2);
  });

  it('adds up the lines of one product', () => {
    const checked = checkCartItems([
      { product_id: 'p1', quantity: 1 },
      { product_id: 'p2', quantity: 1 },
      { product_id: 'p1', quantity: 4 },
    ]);
    expect(checked.valid).toEqual([
      { product_id: 'p1', quantity: 5 },
      { product_id: 'p2', quantity: 1 },
    ]);
    expect(checked.issues).toEqual([]);
  });
});

describe(cartItemsOf.name, () => {
  it('reads the item list of a cart answer and nothing else', () => {
    expect(cartItemsOf({ user_id: 'u', items: [1] })).toEqual([1]);
    expect(cartItemsOf({ user_id: 'u' })).toBeUndefined();
    expect(cartItemsOf([])).toBeUndefined();
    expect(cartItemsOf(null)).toBeUndefined();
  });
});

describe(describeIssues.name, () => {
  it('lists the first issues and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ record: `p${i}`, reason: 'price is negative' }));
    expect(describeIssues(issues, 2)).toBe('p0: price is negative; p1: price is negative (+5 more)');
  });
});

describe(toCents.name, () => {
  it('rounds float dollars to whole cents', () => {
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(1.005)).toBe(100);
    expect(toCents(0.1 + 0.2)).toBe(30);
  });
});

describe(withProducts.name, () => {
  it('pairs each item with its product, in cart order, and refuses items of unknown products', () => {
    const products = [
      { id: 'p1', name: 'Laptop', description: '', price: 999.99 },
      { id: 'p2', name: 'Mouse', description: '', price: 19.99 },
    ];
    const { priced, issues } = withProducts(
      [
        { product_id: 'p2', quantity: 3 },
        { product_id: 'p9', quantity: 1 },
        { product_id: 'p1', quantity: 1 },
      ],
      products,
    );
    expect(priced.map(({ item, product }) => [item.quantity, product.name])).toEqual([
      [3, 'Mouse'],
      [1, 'Laptop'],
    ]);
    expect(issues).toEqual([{ record: 'p9', reason: 'product missing from the catalogue or its record is invalid' }]);
  });
});
