import { Type } from '@sinclair/typebox';
import { CartLine } from '@archaics/contracts';

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
