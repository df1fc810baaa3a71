import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PORTS, type BusinessService, type Incident } from '@archaics/contracts';
import { loadScenario, runScenario } from '@archaics/load';
import { call, inject, resetAll, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';

// The whole pipeline on the real stack: real services under the normal journey, a fault at
// probability 1, a manual /analyze, and the operator must find, fix and verify it.
const OFFSET = 4000;
const operatorUrl = `http://127.0.0.1:${SERVICE_PORTS['ai-operator'] + OFFSET}`;
let stack: TestStack;
const load = new AbortController();
let loadRun: Promise<unknown> | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    portOffset: OFFSET,
    only: ['telemetry', 'auth-service', 'db-service', 'product-service', 'payment-service'],
    extra: [
      {
        name: 'ai-operator',
        dir: 'services/ai-operator',
        entry: 'src/main.ts',
        port: SERVICE_PORTS['ai-operator'],
        urlEnv: 'AI_OPERATOR_URL',
        // Faults follow each other on the same services faster than a production cooldown allows.
        env: {
          OPERATOR_COOLDOWN_S: '0',
          OPERATOR_MAX_ACTIONS_PER_MINUTE: '30',
          OPERATOR_SAMPLE_INTERVAL_MS: '1000',
          VERIFY_TIMEOUT_S: '40',
        },
      },
    ],
  });
  const scenario = loadScenario('normal');
  loadRun = runScenario(scenario, {
    overrides: { vus: 4, duration: '30m' },
    targets: { auth: stack.url('auth-service'), product: stack.url('product-service'), payment: stack.url('payment-service') },
    signal: load.signal,
    env: {},
  }).catch((error: Error) => error);
  // A baseline for the operator: a few seconds of normal traffic.
  await sleep(8000);
}, 120_000);

afterAll(async () => {
  load.abort();
  await loadRun;
  await stack?.stop();
}, 60_000);

async function waitForOutcome(id: string): Promise<Incident> {
  const deadline = Date.now() + 80_000;
  let incident: Incident | undefined;
  while (Date.now() < deadline) {
    const res = await call(`${operatorUrl}/incidents/${id}`);
    incident = res.body as Incident;
    if (['resolved', 'escalated', 'dry_run', 'awaiting_approval'].includes(incident.status)) return incident;
    await sleep(500);
  }
  throw new Error(`incident ${id} still ${incident?.status} after 80s: ${JSON.stringify(incident?.timeline)}`);
}

async function allHealthy(): Promise<void> {
  for (const service of ['auth-service', 'db-service', 'product-service', 'payment-service'] as const) {
    const health = await call(`${stack.url(service)}/health`);
    expect(health.status, service).toBe(200);
    expect(health.body.failure, service).toBeNull();
  }
}

const FAULTS: ReadonlyArray<[string, BusinessService, string]> = [
  ['db timeout', 'db-service', 'type=timeout'],
  ['db error', 'db-service', 'type=error'],
  ['db bad_data', 'db-service', 'type=bad_data'],
  ['auth error', 'auth-service', 'type=error'],
  ['auth timeout', 'auth-service', 'type=timeout'],
  ['product cpu', 'product-service', 'type=cpu&intensity=8'],
  ['payment error', 'payment-service', 'type=error'],
  ['product crash', 'product-service', 'type=crash'],
];

afterEach(async () => {
  // Whatever the outcome, the next fault starts from a clean stack; let breakers and windows settle.
  await resetAll(stack);
  await sleep(3000);
});

describe('ai-operator on the real stack', () => {
  it.each(FAULTS)(
    '%s: ranks the injected service first, acts, and the stack is healthy again',
    async (_name, service, query) => {
      await inject(stack, service, query);
      const res = await call(`${operatorUrl}/analyze`, {
        token: stack.token,
        body: { source: 'manual', reason: `test: ${query} on ${service}` },
      });
      expect(res.status).toBe(202);
      const incident = await waitForOutcome(res.body.incident_id);
      const summary = JSON.stringify(
        { status: incident.status, ranking: incident.ranking, actions: incident.actions, timeline: incident.timeline },
        null,
        1,
      );
      expect(incident.root_cause, summary).toBe(service);
      expect(incident.ranking[0]?.evidence.length, summary).toBeGreaterThan(0);
      expect(
        incident.actions.some((a) => a.status === 'succeeded' && (a.action as { service?: string }).service === service),
        summary,
      ).toBe(true);
      expect(incident.status, summary).toBe('resolved');
      expect(incident.verified).toBe(true);
      await allHealthy();
      // OPERATOR_SAMPLE_DIR=<dir> keeps each incident's JSON (the README's example comes from there).
      if (process.env.OPERATOR_SAMPLE_DIR)
        writeFileSync(`${process.env.OPERATOR_SAMPLE_DIR}/${_name.replace(/\W+/g, '-')}.json`, JSON.stringify(incident, null, 2));
    },
    120_000,
  );
});
