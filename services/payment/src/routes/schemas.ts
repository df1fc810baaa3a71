import { Type } from '@sinclair/typebox';

const RedirectUrl = (what: string) =>
  Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://\\S+$', description: `http(s) URL Stripe sends the buyer to ${what}` });

export const CheckoutBody = Type.Object(
  {
    success_url: Type.Optional(RedirectUrl('after paying ({CHECKOUT_SESSION_ID} is replaced by Stripe)')),
    cancel_url: Type.Optional(RedirectUrl('when they give up')),
  },
  { description: "Optional; other fields are ignored. The cart is read from db-service for the token's user." },
);

export const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description: 'Optional, 1..255 printable ASCII characters; scoped to the user; remembered 24 h.',
    }),
  ),
});

export const CheckoutSession = Type.Object({
  session_id: Type.String(),
  url: Type.String(),
  amount_total: Type.Integer({ description: 'cents' }),
  currency: Type.Literal('usd'),
  mode: Type.Union([Type.Literal('stripe'), Type.Literal('simulated')]),
});

export const CheckoutLine = Type.Object({
  product_id: Type.String(),
  name: Type.String(),
  unit_amount: Type.Integer({ description: 'cents' }),
  quantity: Type.Integer(),
  amount: Type.Integer({ description: 'cents' }),
});

export const SessionView = Type.Object({
  session_id: Type.String(),
  mode: Type.Literal('simulated'),
  status: Type.Union([Type.Literal('open'), Type.Literal('complete')]),
  amount_total: Type.Integer({ description: 'cents' }),
  currency: Type.String(),
  items: Type.Array(CheckoutLine),
  cart_cleared: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const WebhookAnswer = Type.Object({
  received: Type.Literal(true),
  result: Type.Union([Type.Literal('cleared'), Type.Literal('duplicate'), Type.Literal('ignored')]),
});
