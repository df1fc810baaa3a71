/** A product as the catalogue shows it, once its db record has been checked. */
export interface Product {
  id: string;
  name: string;
  description: string;
  price: number;
}

/** One line of a cart as the db stores it, once checked. */
export interface CartItem {
  product_id: string;
  quantity: number;
}

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

type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Checks one db product record: id and name non-empty strings, price a finite number >= 0. */
export function checkProduct(record: unknown): Check<Product> {
  if (!isObject(record)) return { ok: false, reason: 'is not an object' };
  const { id, name, description, price } = record;
  if (!isNonEmptyString(id)) return { ok: false, reason: id === undefined ? 'id is missing' : 'id is not a non-empty string' };
  if (!isNonEmptyString(name)) return { ok: false, reason: name === null ? 'name is null' : 'name is not a non-empty string' };
  if (typeof price !== 'number' || !Number.isFinite(price)) return { ok: false, reason: 'price is not a number' };
  if (price < 0) return { ok: false, reason: 'price is negative' };
  if (description !== undefined && description !== null && typeof description !== 'string') {
    return { ok: false, reason: 'description is not a string' };
  }
  return { ok: true, value: { id, name, description: description ?? '', price } };
}

/** Checks one db cart item: product_id a non-empty string, quantity a positive integer. */
export function checkCartItem(record: unknown): Check<CartItem> {
  if (!isObject(record)) return { ok: false, reason: 'is not an object' };
  const { product_id: productId, quantity } = record;
  if (!isNonEmptyString(productId)) {
    return { ok: false, reason: productId === undefined ? 'product_id is missing' : 'product_id is not a non-empty string' };
  }
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) return { ok: false, reason: 'quantity is not a number' };
  if (!Number.isSafeInteger(quantity) || quantity < 1) return { ok: false, reason: 'quantity is not a positive integer' };
  return { ok: true, value: { product_id: productId, quantity } };
}

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
