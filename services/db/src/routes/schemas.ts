import { Type } from '@sinclair/typebox';
import { CartItem, MAX_LINE_QUANTITY, Product } from '@archaics/contracts';

export const BAD_DATA_NOTE =
  'While a bad_data fault is injected, some records of this answer are corrupted on purpose (see the fault table of SPEC §2).';

export const UserId = Type.String({ minLength: 1, maxLength: 128, description: 'the owner of the cart (the JWT subject)' });
export const ProductId = Type.String({ minLength: 1, maxLength: 64, examples: ['p1'] });

/** A product as it leaves the service: the contract's {@link Product}, loosened so corrupted fields go out unchanged. */
export const ProductRecord = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'missing in a corrupted record' })),
    name: Type.Union([Type.String(), Type.Null()], { description: 'null in a corrupted record' }),
    description: Product.properties.description,
    price: Type.Union([Type.Number(), Type.String()], {
      description: 'USD with two decimals; negative or a string such as "N/A" in a corrupted record',
    }),
  },
  { description: `A product {id, name, description, price}. ${BAD_DATA_NOTE}` },
);

export const CartItemRecord = Type.Object(
  {
    product_id: Type.Optional(Type.String({ description: 'missing in a corrupted record' })),
    quantity: Type.Union([Type.Integer(), Type.String()], {
      description: `1..${MAX_LINE_QUANTITY}; negative or a string such as "N/A" in a corrupted record`,
    }),
  },
  { description: `A cart line. ${BAD_DATA_NOTE}` },
);

export const Cart = Type.Object({ user_id: Type.String(), items: Type.Array(CartItem) });
export const CartRecord = Type.Object({ user_id: Type.String(), items: Type.Array(CartItemRecord) });

export const AddToCartBody = Type.Object(
  {
    user_id: UserId,
    product_id: ProductId,
    quantity: Type.Integer({ minimum: 1, maximum: 99 }),
  },
  { additionalProperties: false },
);

export const ClearCartBody = Type.Object({ user_id: UserId }, { additionalProperties: false });

export const ClearedCart = Type.Object({
  user_id: Type.String(),
  items: Type.Array(CartItem, { maxItems: 0 }),
  cleared: Type.Integer({ minimum: 0, description: 'number of lines removed' }),
});
