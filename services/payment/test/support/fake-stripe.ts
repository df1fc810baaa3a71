import { FakeUpstream, type FakeAnswer, type RecordedRequest } from '@archaics/server/testing';

/** What the fake Stripe understood of one `POST /v1/checkout/sessions`. */
export interface StripeCall {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * A fake Stripe API: `POST /v1/checkout/sessions` answers a Stripe-shaped Checkout Session
 * and, like Stripe, replays the first answer for a repeated Idempotency-Key.
 */
export class FakeStripeState {
  readonly calls: StripeCall[] = [];
  private readonly byKey = new Map<string, FakeAnswer>();
  private next = 1;

  handle(request: RecordedRequest): FakeAnswer {
    if (request.method !== 'POST' || request.path !== '/v1/checkout/sessions') {
      return { status: 404, body: { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } } };
    }
    const key = request.headers['idempotency-key'] as string | undefined;
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    this.calls.push({ idempotencyKey: key, authorization: request.headers.authorization, form });
    const replay = key ? this.byKey.get(key) : undefined;
    if (replay) return replay;
    let amountTotal = 0;
    for (let i = 0; form.has(`line_items[${i}][quantity]`); i++) {
      amountTotal += Number(form.get(`line_items[${i}][quantity]`)) * Number(form.get(`line_items[${i}][price_data][unit_amount]`));
    }
    const id = `cs_test_fake${this.next++}`;
    const answer: FakeAnswer = {
      status: 200,
      body: {
        id,
        object: 'checkout.session',
        url: `https://checkout.stripe.com/c/pay/${id}`,
        amount_total: amountTotal,
        currency: form.get('line_items[0][price_data][currency]') ?? 'usd',
        mode: form.get('mode'),
        metadata: { user_id: form.get('metadata[user_id]') },
        client_reference_id: form.get('client_reference_id'),
        success_url: form.get('success_url'),
        cancel_url: form.get('cancel_url'),
        status: 'open',
        payment_status: 'unpaid',
        livemode: false,
      },
    };
    if (key) this.byKey.set(key, answer);
    return answer;
  }
}

export async function startFakeStripe(state = new FakeStripeState()): Promise<{ fake: FakeUpstream; state: FakeStripeState }> {
  return { fake: await FakeUpstream.start((request) => state.handle(request)), state };
}

/** A Stripe error answer body. */
export const stripeError = (type: string, message: string): { error: { type: string; message: string } } => ({ error: { type, message } });
