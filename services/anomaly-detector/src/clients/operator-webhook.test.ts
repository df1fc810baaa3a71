import { verifySignature } from '@archaics/runtime';
import { captureLogger, FakeUpstream, unreachableUrl } from '@archaics/server/testing';
import type { AnomalyWebhook } from '@archaics/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { OperatorWebhook } from './operator-webhook.ts';

const payload: AnomalyWebhook = {
  source: 'anomaly-detector',
  anomaly_id: 'anomaly-1',
  opened_at: '2026-11-28T10:00:04.000Z',
  window: { start: '2026-11-28T10:00:02.000Z', end: '2026-11-28T10:00:04.000Z' },
  threshold: 0.6,
  consecutive: 2,
  anomalous_services: ['db-service'],
  scores: [],
};

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let fake: FakeUpstream | undefined;
let webhook: OperatorWebhook | undefined;
afterEach(async () => {
  await webhook?.close();
  await fake?.stop();
  fake = undefined;
});

const make = (operatorUrl: string, maxAttempts = 4) =>
  new OperatorWebhook({
    operatorUrl,
    secret: 's3cret',
    maxAttempts,
    backoffMs: 20,
    timeoutMs: 500,
    logger: captureLogger('anomaly-detector').logger,
  });

describe(OperatorWebhook.name, () => {
  it('POSTs the payload to /analyze signed with HMAC-SHA256 and keeps the incident id', async () => {
    fake = await FakeUpstream.start(() => ({ status: 202, body: { incident_id: 'inc-7' } }));
    webhook = make(fake.url);
    const state = webhook.send(payload);
    await until(() => state.status === 'delivered');
    const [request] = fake.requestsTo('POST', '/analyze');
    expect(request!.body).toEqual(payload);
    expect(verifySignature('s3cret', JSON.stringify(request!.body), request!.headers['x-archaics-signature'] as string)).toBe(true);
    expect(verifySignature('other', JSON.stringify(request!.body), request!.headers['x-archaics-signature'] as string)).toBe(false);
    expect(state).toMatchObject({ attempts: 1, incident_id: 'inc-7', last_error: null });
  });

  it('retries 503 with backoff until it is taken', async () => {
    let calls = 0;
    fake = await FakeUpstream.start(() =>
      ++calls < 3 ? { status: 503, body: { error: 'busy' } } : { status: 202, body: { incident_id: 'inc-8' } },
    );
    webhook = make(fake.url);
    const state = webhook.send(payload);
    await until(() => state.status === 'delivered');
    expect(state.attempts).toBe(3);
    expect(fake.requestsTo('POST', '/analyze')).toHaveLength(3);
  });

  it('does not retry a 401: the secret is wrong, asking again will not help', async () => {
    fake = await FakeUpstream.start(() => ({ status: 401, body: { error: 'unauthorized' } }));
    webhook = make(fake.url);
    const state = webhook.send(payload);
    await until(() => state.status === 'failed');
    expect(state.attempts).toBe(1);
    expect(state.last_error).toMatch(/HTTP 401/);
  });

  it('returns at once and gives up after maxAttempts when the operator is unreachable', async () => {
    webhook = make(await unreachableUrl(), 3);
    const started = Date.now();
    const state = webhook.send(payload);
    expect(state.status).toBe('pending');
    expect(Date.now() - started).toBeLessThan(100);
    await until(() => state.status === 'failed');
    expect(state.attempts).toBe(3);
  });

  it('gives up on an operator that never answers, attempt by attempt', async () => {
    fake = await FakeUpstream.start(() => ({ status: 202, body: {} }));
    fake.fault = { kind: 'delay', ms: 5000 };
    webhook = new OperatorWebhook({
      operatorUrl: fake.url,
      secret: 's',
      maxAttempts: 2,
      backoffMs: 10,
      timeoutMs: 100,
      logger: captureLogger('anomaly-detector').logger,
    });
    const state = webhook.send(payload);
    await until(() => state.status === 'failed');
    expect(state.last_error).toMatch(/no answer within 100 ms/);
  });
});
