import {
  ConfigError,
  envReader,
  readBaseConfig,
  readUpstreamConfig,
  type BaseServiceConfig,
  type Env,
  type UpstreamConfig,
} from '@archaics/runtime';

export type CheckoutMode = 'simulated' | 'stripe';

export interface StripeConfig {
  readonly apiKey: string;
  /** `STRIPE_API_BASE` split for the SDK (a local fake or stripe-mock); undefined = api.stripe.com. */
  readonly apiBase: { readonly protocol: 'http' | 'https'; readonly host: string; readonly port: number } | undefined;
  readonly timeoutMs: number;
}

export interface PaymentConfig extends BaseServiceConfig {
  readonly auth: UpstreamConfig;
  readonly db: UpstreamConfig;
  /** simulated when `STRIPE_API_KEY` is unset or `sk_test_dummy`. */
  readonly mode: CheckoutMode;
  /** Set in stripe mode only. */
  readonly stripe: StripeConfig | undefined;
  /** `STRIPE_WEBHOOK_SECRET`; without it `POST /webhook/stripe` answers 503. */
  readonly webhookSecret: string | undefined;
  /** `PAYMENT_DB_PATH`; undefined = `<ARCHAICS_HOME>/data/payment.sqlite`. */
  readonly dbPath: string | undefined;
  /** Base of the URLs this service hands out (`PAYMENT_PUBLIC_URL`, default `http://<host>:<port>`). */
  readonly publicUrl: string;
  /** Where Stripe sends the buyer afterwards unless the request says (`CHECKOUT_SUCCESS_URL`, `CHECKOUT_CANCEL_URL`). */
  readonly successUrl: string;
  readonly cancelUrl: string;
}

const DUMMY_KEY = 'sk_test_dummy';

function parseApiBase(value: string | undefined): StripeConfig['apiBase'] {
  if (value === undefined) return undefined;
  const url = new URL(value);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { protocol, host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443 };
}

/** Reads the payment-service configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): PaymentConfig {
  const base = readBaseConfig('payment-service', env);
  const read = envReader(env);
  const apiKey = read.optionalString('STRIPE_API_KEY');
  const mode: CheckoutMode = apiKey === undefined || apiKey === DUMMY_KEY ? 'simulated' : 'stripe';
  if (apiKey !== undefined && !/^(sk|rk)_[A-Za-z0-9_]+$/.test(apiKey)) {
    throw new ConfigError('STRIPE_API_KEY', 'must look like sk_test_..., sk_live_... or rk_...');
  }
  const apiBaseValue = read.optionalString('STRIPE_API_BASE');
  const apiBase = parseApiBase(apiBaseValue === undefined ? undefined : read.url('STRIPE_API_BASE', apiBaseValue));
  const timeoutMs = read.int('STRIPE_TIMEOUT_MS', 5000, { min: 1, max: 120_000 });
  const displayHost = ['0.0.0.0', '::', ''].includes(base.host) ? '127.0.0.1' : base.host;
  const hostPart = displayHost.includes(':') ? `[${displayHost}]` : displayHost;
  return Object.freeze({
    ...base,
    auth: readUpstreamConfig('auth-service', env),
    db: readUpstreamConfig('db-service', env),
    mode,
    stripe: mode === 'stripe' && apiKey ? Object.freeze({ apiKey, apiBase, timeoutMs }) : undefined,
    webhookSecret: read.optionalString('STRIPE_WEBHOOK_SECRET'),
    dbPath: read.optionalString('PAYMENT_DB_PATH'),
    publicUrl: read.url('PAYMENT_PUBLIC_URL', `http://${hostPart}:${base.port}`),
    successUrl: read.url('CHECKOUT_SUCCESS_URL', 'http://127.0.0.1:7000/?checkout=success&session_id={CHECKOUT_SESSION_ID}'),
    cancelUrl: read.url('CHECKOUT_CANCEL_URL', 'http://127.0.0.1:7000/?checkout=cancel'),
  });
}
