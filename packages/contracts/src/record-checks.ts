import { Type } from '@sinclair/typebox';
import { CartItem, Product, type Checked, type RecordIssue } from './records.ts';
import { schemaValidator, type SchemaValidator } from './schema-validator.ts';

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A db product record: a {@link Product} whose description may be missing or null (it becomes ''). */
const ProductRecord = Type.Object({
  ...Product.properties,
  description: Type.Optional(Type.Union([Product.properties.description, Type.Null()])),
});

const productRecord = schemaValidator(ProductRecord);
const cartItem = schemaValidator(CartItem);

function checkWith<T>(validator: SchemaValidator<T>, record: unknown): Check<T> {
  if (validator.check(record)) return { ok: true, value: record };
  return { ok: false, reason: validator.explain(record) };
}

/** Checks one db product record against {@link Product}; a missing or null description becomes ''. */
export function checkProduct(record: unknown): Check<Product> {
  const checked = checkWith(productRecord, record);
  if (!checked.ok) return checked;
  const { id, name, description, price } = checked.value;
  return { ok: true, value: { id, name, description: description ?? '', price } };
}

/** Checks one db cart item against {@link CartItem}. */
export function checkCartItem(record: unknown): Check<CartItem> {
  const checked = checkWith(cartItem, record);
  if (!checked.ok) return checked;
  const { product_id: productId, quantity } = checked.value;
  return { ok: true, value: { product_id: productId, quantity } };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkAll<T>(records: readonly unknown[], check: (record: unknown) => Check<T>, key?: (value: T) => string): Checked<T> {
  const valid: T[] = [];
  const issues: RecordIssue[] = [];
  const seen = new Set<string>();
  records.forEach((record, index) => {
    const result = check(record);
    const rawId = isObject(record) ? (record.id ?? record.product_id) : undefined;
    const name = typeof rawId === 'string' && rawId !== '' ? rawId.slice(0, 64) : `#${index}`;
    if (!result.ok) {
      issues.push({ record: name, reason: result.reason });
    } else if (key && seen.has(key(result.value))) {
      issues.push({ record: name, reason: 'duplicate id' });
    } else {
      if (key) seen.add(key(result.value));
      valid.push(result.value);
    }
  });
  return { valid, issues, received: records.length };
}

/** Checks a db product list; invalid records and repeated ids are refused. */
export function checkProducts(records: readonly unknown[]): Checked<Product> {
  return checkAll(records, checkProduct, (product) => product.id);
}

/** Checks the items of a db cart; invalid items are refused, lines of one product are added up. */
export function checkCartItems(records: readonly unknown[]): Checked<CartItem> {
  const checked = checkAll(records, checkCartItem);
  const merged = new Map<string, CartItem>();
  for (const item of checked.valid) {
    const line = merged.get(item.product_id);
    if (line) line.quantity += item.quantity;
    else merged.set(item.product_id, { ...item });
  }
  return { ...checked, valid: [...merged.values()] };
}
