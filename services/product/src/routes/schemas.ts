import { Type } from '@sinclair/typebox';

export const Product = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Number({ description: 'USD' }),
});

export const CartLine = Type.Object({
  product_id: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  quantity: Type.Integer(),
  subtotal: Type.Number(),
});

export const PricedCart = Type.Object({
  user_id: Type.String(),
  items: Type.Array(CartLine),
  total: Type.Number({ description: 'USD' }),
});

export const AddToCartBody = Type.Object(
  {
    product_id: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 99 }),
  },
  { description: 'Other fields are ignored (the user comes from the token).' },
);

export const ClearedCart = Type.Object({
  user_id: Type.String(),
  items: Type.Array(CartLine, { maxItems: 0 }),
  cleared: Type.Integer({ minimum: 0 }),
});

export const DEGRADED_NOTE =
  'Invalid db records are dropped and the answer carries `X-Degraded: bad_data`; when none is valid: 502 upstream_bad_data.';
