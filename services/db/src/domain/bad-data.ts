import type { Product } from '@archaics/contracts';

/** A product as it may leave the service under the bad_data fault. */
export type ProductRecord = Omit<Product, 'id' | 'name' | 'price'> & { id?: string; name: string | null; price: number | string };

/** A cart line as it may leave the service under the bad_data fault. */
export interface CartItemRecord {
  product_id?: string;
  quantity: number | string;
}

/** Corrupts one record in place (always a copy). */
export type Corruption<R> = (record: R) => void;

/** The ways a product is corrupted (SPEC §2: null names, negative or non-numeric prices, missing ids). */
export const PRODUCT_CORRUPTIONS: ReadonlyArray<Corruption<ProductRecord>> = [
  (p) => {
    p.name = null;
  },
  (p) => {
    p.price = typeof p.price === 'number' && p.price > 0 ? -p.price : -1;
  },
  (p) => {
    p.price = 'N/A';
  },
  (p) => {
    delete p.id;
  },
];

/** The ways a cart line is corrupted: missing product id, negative or non-numeric quantity. */
export const CART_ITEM_CORRUPTIONS: ReadonlyArray<Corruption<CartItemRecord>> = [
  (item) => {
    delete item.product_id;
  },
  (item) => {
    item.quantity = typeof item.quantity === 'number' && item.quantity > 0 ? -item.quantity : -1;
  },
  (item) => {
    item.quantity = 'N/A';
  },
];

/** How many of `total` records the bad_data fault corrupts at an intensity 1..10. */
export function corruptedCount(total: number, intensity: number): number {
  if (total <= 0) return 0;
  return Math.min(total, Math.max(1, Math.ceil((total * intensity) / 10)));
}

/**
 * Returns copies of `records` of which {@link corruptedCount} records, chosen at
 * random, carry one random corruption each. The input records are left untouched.
 */
export function corruptRecords<R extends object>(
  records: readonly R[],
  intensity: number,
  corruptions: ReadonlyArray<Corruption<R>>,
  random: () => number,
): { records: R[]; corrupted: number } {
  const copies = records.map((record) => ({ ...record }));
  const count = corruptedCount(copies.length, intensity);
  const indexes = copies.map((_, index) => index);
  const pick = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  // Partial Fisher–Yates: the first `count` indexes end up a uniform random choice.
  for (let i = 0; i < count; i++) {
    const j = i + pick(indexes.length - i);
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    const corruption = corruptions[pick(corruptions.length)]!;
    corruption(copies[indexes[i]!]!);
  }
  return { records: copies, corrupted: count };
}
