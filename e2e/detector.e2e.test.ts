import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@archaics/runtime';
import type { AnomalyWebhook } from '@archaics/contracts';
import { loadScenario, runScenario } from '@archaics/load';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CORE_STACK, inject, startTestStack, type TestStack } from './support/test-stack.ts';

// The detector on the real stack under the normal load scenario (issue "anomaly-detector",
// Done when): no webhook for two minutes of fault-free normal load nor for the spike
// scenario; db error at probability 1 gives exactly one webhook within 3 scrape intervals.
const OFFSET = 6000;
const SECRET = 'e2e-webhook-secret';
const INTERVAL_S = 2;

interface Received {
  readonly at: number;
  readonly body: AnomalyWebhook;
  readonly signed: boolean;
}

let stack: TestStack;
let operator: Server;
const received: Received[] = [];
const load = new AbortController();
let background: Promise<unknown>;
const detectorUrl = `http://127.0.0.1:${8006 + OFFSET}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  operator = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signed = verifySignature(SECRET, raw, req.headers['x-archaics-signature'] as string | undefined);
      received.push({ at: Date.now(), body: JSON.parse(raw.toString('utf8')) as AnomalyWebhook, signed });
      res
        .writeHead(signed ? 202 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ incident_id: `inc-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => operator.listen(0, '127.0.0.1', resolve));
  const operatorUrl = `http://127.0.0.1:${(operator.address() as AddressInfo).port}`;
  stack = await startTestStack({
    portOffset: OFFSET,
    only: [...CORE_STACK, 'anomaly-detector'],
    env: { BASELINE_SAMPLES: '15', SCRAPE_INTERVAL_S: String(INTERVAL_S), AI_OPERATOR_URL: operatorUrl, WEBHOOK_SECRET: SECRET },
  });
  const targets = { auth: stack.url('auth-service'), product: stack.url('product-service'), payment: stack.url('payment-service') };
  background = runScenario(loadScenario('normal'), { targets, overrides: { duration: '420s' }, signal: load.signal });
  const deadline = Date.now() + 120_000;
  while (!(await call(`${detectorUrl}/health`)).body.trained) {
    if (Date.now() > deadline) throw new Error('the detector did not learn its baseline in 120 s');
    await sleep(1000);
  }
}, 180_000);

afterAll(async () => {
  load.abort();
  await background?.catch(() => undefined);
  await stack?.stop();
  await new Promise((resolve) => operator?.close(resolve));
});

describe('anomaly-detector on the real stack', () => {
  it('sends nothing during two minutes of fault-free normal load', async () => {
    await sleep(120_000);
    expect(received).toEqual([]);
    const health = (await call(`${detectorUrl}/health`)).body;
    expect(Object.keys(health.last_scores).sort()).toEqual(['auth-service', 'db-service', 'payment-service', 'product-service']);
  }, 150_000);

  it('sends nothing for the spike scenario (load alone is not an incident)', async () => {
    const targets = { auth: stack.url('auth-service'), product: stack.url('product-service'), payment: stack.url('payment-service') };
    const spike = await runScenario(loadScenario('spike'), { targets });
    expect(spike.requests.total).toBeGreaterThan(1000);
    await sleep(3 * INTERVAL_S * 1000);
    expect(received).toEqual([]);
  }, 120_000);

  it('sends exactly one signed webhook within 3 scrape intervals of a db error at probability 1', async () => {
    const injectedAt = Date.now();
    await inject(stack, 'db-service', 'type=error&probability=1');
    const deadline = injectedAt + 30_000;
    while (received.length === 0 && Date.now() < deadline) await sleep(100);
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook!.signed).toBe(true);
    expect(hook!.body.scores.map((s) => s.service).sort()).toEqual(['auth-service', 'db-service', 'payment-service', 'product-service']);
    // Counted in the detector's own intervals: the webhook went out in the interval that
    // opened the anomaly, at most the third one after the injection.
    const history = (await call(`${detectorUrl}/scores?limit=600`)).body.history as Array<{ at: string }>;
    const intervalsAfter = history.filter((h) => Date.parse(h.at) > injectedAt && Date.parse(h.at) <= Date.parse(hook!.body.window.end));
    expect(intervalsAfter.length).toBeLessThanOrEqual(3);

    // The fault goes on: still the same one incident, not one per sample.
    await sleep(6 * INTERVAL_S * 1000);
    await call(`${stack.url('db-service')}/reset`, { method: 'POST', token: stack.token });
    // Recovery: product's circuit breaker half-opens within 5 s, then CLEAR_INTERVALS (3)
    // quiet intervals close the anomaly. Bounded wait for that, then the same one webhook.
    const closeBy = Date.now() + 45_000;
    let anomalies = (await call(`${detectorUrl}/anomalies`)).body;
    while (anomalies.anomalies[0]?.closed_at === null && Date.now() < closeBy) {
      await sleep(1000);
      anomalies = (await call(`${detectorUrl}/anomalies`)).body;
    }
    expect(received).toHaveLength(1);
    expect(anomalies.anomalies).toHaveLength(1);
    expect(anomalies.anomalies[0]).toMatchObject({ id: hook!.body.anomaly_id, webhook: { status: 'delivered', incident_id: 'inc-1' } });
    // Which services it names is the detector's view of the symptoms (product's errors; db
    // itself sees little traffic once product's circuit breaker opens); the cause is the
    // operator's question.
    expect(anomalies.anomalies[0].services.length).toBeGreaterThan(0);
    expect(anomalies.anomalies[0].closed_at).not.toBeNull();
  }, 120_000);
});
