import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '@archaics/runtime';
import { SIGNATURE_HEADER, type AnomalyWebhook, type Incident } from '@archaics/contracts';
import { IncidentRepository } from '../src/repositories/incident.repository.ts';
import { loadConfig } from '../src/config.ts';
import { analyze, SECRET, startHarness, TOKEN, type Harness } from './support/harness.ts';

const webhook = (anomalyId = 'anomaly-1'): AnomalyWebhook => ({
  source: 'anomaly-detector',
  anomaly_id: anomalyId,
  opened_at: '2026-01-15T10:30:00.000Z',
  window: { start: '2026-01-15T10:29:54.000Z', end: '2026-01-15T10:30:00.000Z' },
  threshold: 0.6,
  consecutive: 3,
  anomalous_services: ['db-service'],
  scores: [],
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function incidents(h: Harness): Promise<Incident[]> {
  return (await h.app.inject({ method: 'GET', url: '/incidents' })).json<Incident[]>();
}

describe('POST /analyze', () => {
  it('refuses an unsigned, a wrongly signed or a wrong-token request and creates nothing', async () => {
    harness = await startHarness();
    const body = JSON.stringify(webhook());
    const json = { 'content-type': 'application/json' };
    const unsigned = await harness.app.inject({ method: 'POST', url: '/analyze', headers: json, payload: body });
    expect(unsigned.statusCode).toBe(401);
    const wrong = await harness.app.inject({
      method: 'POST',
      url: '/analyze',
      headers: { ...json, [SIGNATURE_HEADER]: signBody('another-secret', body) },
      payload: body,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_signature' });
    // Signed, then altered by one byte.
    const altered = await harness.app.inject({
      method: 'POST',
      url: '/analyze',
      headers: { ...json, [SIGNATURE_HEADER]: signBody(SECRET, body) },
      payload: body.replace('anomaly-1', 'anomaly-2'),
    });
    expect(altered.statusCode).toBe(401);
    const badToken = await harness.app.inject({
      method: 'POST',
      url: '/analyze',
      headers: { ...json, authorization: 'Bearer nope' },
      payload: body,
    });
    expect(badToken.statusCode).toBe(403);
    expect(await incidents(harness)).toEqual([]);
  });

  it('accepts the signed webhook once per anomaly_id', async () => {
    harness = await startHarness();
    const body = JSON.stringify(webhook('anomaly-7'));
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(SECRET, body) };
    const first = await harness.app.inject({ method: 'POST', url: '/analyze', headers, payload: body });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ created: true });
    const again = await harness.app.inject({ method: 'POST', url: '/analyze', headers, payload: body });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ incident_id: first.json().incident_id, created: false });
    await harness.waitFor(first.json().incident_id);
    expect(await incidents(harness)).toHaveLength(1);
  });

  it('answers a bad body with a 400 naming the problem', async () => {
    harness = await startHarness();
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const notJson = await harness.app.inject({ method: 'POST', url: '/analyze', headers: auth, payload: '{nope' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: 'invalid_json' });
    const noSource = await harness.app.inject({ method: 'POST', url: '/analyze', headers: auth, payload: { reason: 'x' } });
    expect(noSource.statusCode).toBe(400);
    expect(noSource.json().detail).toMatch(/body\.source/);
    const badService = await harness.app.inject({
      method: 'POST',
      url: '/analyze',
      headers: auth,
      payload: { ...webhook(), anomalous_services: ['mongo'] },
    });
    expect(badService.statusCode).toBe(400);
    expect(badService.json().detail).toMatch(/anomalous_services/);
    const noReason = await harness.app.inject({ method: 'POST', url: '/analyze', headers: auth, payload: { source: 'manual' } });
    expect(noReason.json().detail).toMatch(/reason/);
    expect(await incidents(harness)).toEqual([]);
  });
});

describe('the pipeline without an LLM', () => {
  it('finds db, resets it, verifies and records the timeline', async () => {
    harness = await startHarness();
    harness.world.fault = { service: 'db-service', type: 'error' };
    const incident = await harness.waitFor(await analyze(harness.app));
    expect(incident.status).toBe('resolved');
    expect(incident.root_cause).toBe('db-service');
    expect(incident.verified).toBe(true);
    expect(incident.resolved_at).not.toBeNull();
    expect(incident.llm).toMatchObject({ provider: 'none', used: false });
    expect(incident.actions).toMatchObject([
      { action: { action: 'reset_failure', service: 'db-service' }, status: 'succeeded', source: 'deterministic' },
    ]);
    expect(harness.world.resets).toEqual(['db-service']);
    expect(incident.timeline.map((e) => e.event)).toEqual([
      'opened',
      'evidence_gathered',
      'ranked',
      'planned',
      'action_succeeded',
      'verifying',
      'verified',
      'resolved',
    ]);
    const metrics = (await harness.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/operator_incidents_total\{status="resolved"\} 1/);
    expect(metrics).toMatch(/operator_actions_total\{action="reset_failure",status="succeeded"\} 1/);
  });

  it('escalates when no service shows a symptom', async () => {
    harness = await startHarness();
    const incident = await harness.waitFor(await analyze(harness.app));
    expect(incident.status).toBe('escalated');
    expect(incident.root_cause).toBeNull();
    expect(harness.world.resets).toEqual([]);
  });

  it('restarts when the reset leaves the fault in place', async () => {
    harness = await startHarness();
    harness.world.fault = { service: 'db-service', type: 'error' };
    const stubborn = harness.world.services.reset;
    harness.world.services.reset = async (service) => {
      await stubborn(service);
      harness!.world.fault = { service: 'db-service', type: 'error' };
      return null;
    };
    const incident = await harness.waitFor(await analyze(harness.app));
    expect(harness.world.restarts).toEqual(['db-service']);
    expect(incident.status).toBe('resolved');
    expect(incident.timeline.some((e) => e.event === 'follow_up' && /fault is still active/.test(e.detail ?? ''))).toBe(true);
  });

  it('dry-run decides but acts on nothing', async () => {
    harness = await startHarness({ OPERATOR_MODE: 'dry-run' });
    harness.world.fault = { service: 'db-service', type: 'error' };
    const incident = await harness.waitFor(await analyze(harness.app));
    expect(incident.status).toBe('dry_run');
    expect(incident.root_cause).toBe('db-service');
    expect(incident.actions).toMatchObject([{ action: { action: 'reset_failure', service: 'db-service' }, status: 'skipped' }]);
    expect(harness.world.resets).toEqual([]);
    expect(harness.world.restarts).toEqual([]);
    expect(harness.world.fault).not.toBeNull();
  });

  it('approve mode acts only after POST /incidents/{id}/approve with the token', async () => {
    harness = await startHarness({ OPERATOR_MODE: 'approve' });
    harness.world.fault = { service: 'db-service', type: 'error' };
    const id = await analyze(harness.app);
    const waiting = await harness.waitFor(id);
    expect(waiting.status).toBe('awaiting_approval');
    expect(waiting.actions).toMatchObject([{ status: 'awaiting_approval' }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.world.resets).toEqual([]);
    expect((await harness.app.inject({ method: 'POST', url: `/incidents/${id}/approve` })).statusCode).toBe(401);
    expect(
      (await harness.app.inject({ method: 'POST', url: `/incidents/nope/approve`, headers: { authorization: `Bearer ${TOKEN}` } }))
        .statusCode,
    ).toBe(404);
    expect(harness.world.resets).toEqual([]);
    const approved = await harness.app.inject({
      method: 'POST',
      url: `/incidents/${id}/approve`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(approved.statusCode).toBe(202);
    const done = await harness.waitFor(id, ['resolved', 'escalated']);
    expect(done.status).toBe('resolved');
    expect(harness.world.resets).toEqual(['db-service']);
    const twice = await harness.app.inject({
      method: 'POST',
      url: `/incidents/${id}/approve`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('keeps a cooldown per service across incidents and records the refusal', async () => {
    harness = await startHarness({ OPERATOR_COOLDOWN_S: '60' });
    harness.world.fault = { service: 'db-service', type: 'error' };
    expect((await harness.waitFor(await analyze(harness.app))).status).toBe('resolved');
    harness.world.fault = { service: 'db-service', type: 'error' };
    const second = await harness.waitFor(await analyze(harness.app));
    expect(second.status).toBe('escalated');
    expect(second.actions).toMatchObject([{ status: 'refused', reason: expect.stringMatching(/^cooldown: db-service was acted on/) }]);
    expect(harness.world.resets).toEqual(['db-service']);
  });
});

describe('the operator service', () => {
  it('/health shows the mode and the LLM; /incidents is newest first; unknown id is 404', async () => {
    harness = await startHarness({
      OPERATOR_MODE: 'dry-run',
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_MODEL: 'llama3',
    });
    const health = (await harness.app.inject({ method: 'GET', url: '/health' })).json();
    expect(health).toMatchObject({
      status: 'ok',
      service: 'ai-operator',
      mode: 'dry-run',
      llm: { provider: 'openai', model: 'llama3', configured: true },
    });
    const a = await analyze(harness.app, 'first');
    await harness.waitFor(a);
    const b = await analyze(harness.app, 'second');
    await harness.waitFor(b);
    expect((await incidents(harness)).map((i) => i.id)).toEqual([b, a]);
    expect((await harness.app.inject({ method: 'GET', url: '/incidents?limit=1' })).json()).toHaveLength(1);
    expect((await harness.app.inject({ method: 'GET', url: '/incidents?limit=0' })).statusCode).toBe(400);
    expect((await harness.app.inject({ method: 'GET', url: '/incidents/inc-nope' })).statusCode).toBe(404);
  });

  it('keeps incidents across restarts and marks the ones a restart interrupted', async () => {
    harness = await startHarness();
    harness.world.fault = { service: 'db-service', type: 'error' };
    const done = await harness.waitFor(await analyze(harness.app));
    const home = harness.home;
    await harness.app.close();
    // An incident left mid-pipeline by a process that died.
    const repo = IncidentRepository.open(loadConfig({ ARCHAICS_HOME: home, CHAOS_TOKEN: TOKEN, WEBHOOK_SECRET: SECRET }).dbPath);
    repo.create({ ...done, id: 'inc-stale', status: 'verifying', opened_at: new Date().toISOString() }, null);
    repo.close();
    const again = await startHarness({}, { home });
    try {
      const list = (await again.app.inject({ method: 'GET', url: '/incidents' })).json<Incident[]>();
      expect(list.map((i) => i.id)).toEqual(['inc-stale', done.id]);
      expect(list[0]!.status).toBe('escalated');
      expect(list[0]!.timeline.at(-1)).toMatchObject({ event: 'escalated', detail: 'operator restarted while the incident was verifying' });
      expect(list[1]!.status).toBe('resolved');
    } finally {
      await again.close();
    }
  });
});
