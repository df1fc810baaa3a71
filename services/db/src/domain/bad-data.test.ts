import { describe, expect, it } from 'vitest';
import { seededRandom } from '@archaics/runtime';
import {
  CART_ITEM_CORRUPTIONS,
  PRODUCT_CORRUPTIONS,
  corruptRecords,
  corruptedCount,
  type CartItemRecord,
  type ProductRecord,
} from './bad-data.ts';

const products: ProductRecord[] = [1, 2, 3, 4, 5].map((n) => ({ id: `p${n}`, name: `P${n}`, description: 'd', price: n * 10 + 0.99 }));
const isCorrupt = (p: ProductRecord): boolean => !('id' in p) || p.name === null || typeof p.price !== 'number' || p.price < 0;

describe(corruptedCount.name, () => {
  it('corrupts max(1, ceil(n × intensity / 10)) of n records, never more than n', () => {
    expect([1, 2, 5, 9, 10].map((i) => corruptedCount(5, i))).toEqual([1, 1, 3, 5, 5]);
    expect(corruptedCount(1, 1)).toBe(1);
    expect(corruptedCount(12, 3)).toBe(4);
  });

  it('corrupts nothing when there is nothing', () => {
    expect(corruptedCount(0, 10)).toBe(0);
  });
});

describe(corruptRecords.name, () => {
  it('corrupts exactly the counted records and leaves the input untouched', () => {
    const before = structuredClone(products);
    for (const intensity of [1, 5, 10]) {
      for (let seed = 0; seed < 50; seed++) {
        const { records, corrupted } = corruptRecords(products, intensity, PRODUCT_CORRUPTIONS, seededRandom(seed));
        expect(corrupted).toBe(corruptedCount(5, intensity));
        expect(records.filter(isCorrupt)).toHaveLength(corrupted);
      }
    }
    expect(products).toEqual(before);
  });

  it('uses every kind of product corruption', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const [record] = corruptRecords([products[0]!], 1, PRODUCT_CORRUPTIONS, seededRandom(seed)).records;
      if (!('id' in record!)) seen.add('missing id');
      if (record!.name === null) seen.add('null name');
      if (record!.price === 'N/A') seen.add('non-numeric price');
      if (typeof record!.price === 'number' && record!.price < 0) seen.add('negative price');
    }
    expect([...seen].sort()).toEqual(['missing id', 'negative price', 'non-numeric price', 'null name']);
  });

  it('corrupts cart lines with a missing product id or a negative or non-numeric quantity', () => {
    const items: CartItemRecord[] = [{ product_id: 'p1', quantity: 2 }];
    const seen = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const [item] = corruptRecords(items, 10, CART_ITEM_CORRUPTIONS, seededRandom(seed)).records;
      if (!('product_id' in item!)) seen.add('missing product_id');
      else if (item.quantity === 'N/A') seen.add('non-numeric quantity');
      else if (item.quantity === -2) seen.add('negative quantity');
    }
    expect(seen.size).toBe(3);
    expect(items).toEqual([{ product_id: 'p1', quantity: 2 }]);
  });
});
