import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Env } from './env.ts';
import { archaicsHome, readOrCreateSecret } from './state-home.ts';

const PREFIX = 'sha256=';

/** `sha256=<hex>`: HMAC-SHA256 of the raw body with the webhook secret (SPEC §4, `X-Archaics-Signature`). */
export function signBody(secret: string, body: string | Uint8Array): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/** True when `header` is the signature of exactly these bytes; constant time, false for anything malformed. */
export function verifySignature(secret: string, body: string | Uint8Array, header: string | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const given = header.slice(PREFIX.length).trim();
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = Buffer.from(signBody(secret, body).slice(PREFIX.length), 'hex');
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), expected);
}

/** The webhook secret shared by the detector and the operator: `WEBHOOK_SECRET`, else the state folder's `webhook-secret` (made on first use). */
export function resolveWebhookSecret(env: Env = process.env, home: string = archaicsHome(env)): string {
  const fromEnv = env.WEBHOOK_SECRET?.trim();
  return fromEnv ? fromEnv : readOrCreateSecret(home, 'webhook-secret');
}
