import type { DetectorHealth, ServiceScore } from '@archaics/contracts';
import type { AiopsResponse, AnomalyView, DriverView, IncidentSummary } from '../../shared/api-types.ts';
import { listOf, type AiopsRelay, type Reach } from '../clients/aiops.relay.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The answer's body when the service answered 200, else undefined. */
function ok<T>(reach: Reach<T>): T | undefined {
  return reach.running && reach.status === 200 ? reach.value : undefined;
}

function errorOf(reach: Reach<unknown>): string | null {
  if (!reach.running) return reach.error;
  return reach.status === 200 ? null : `HTTP ${reach.status}`;
}

/** The top drivers (at most two each) of the services an anomaly names. */
function driversOf(scores: unknown, services: readonly string[]): DriverView[] {
  if (!Array.isArray(scores)) return [];
  const drivers: DriverView[] = [];
  for (const score of scores) {
    if (!isObj(score) || typeof score.service !== 'string' || !services.includes(score.service) || !Array.isArray(score.drivers)) continue;
    for (const d of score.drivers.slice(0, 2)) {
      if (!isObj(d)) continue;
      const feature = str(d.feature);
      const value = num(d.value);
      const z = num(d.z);
      if (feature === null || value === null || z === null) continue;
      drivers.push({ service: score.service, feature, value, baseline_mean: num(d.baseline_mean) ?? 0, z });
    }
  }
  return drivers;
}

/** One detector anomaly, slimmed for the list (its full score vectors stay on the detector). */
export function anomalyView(raw: unknown): AnomalyView | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id) ?? str(raw.anomaly_id);
  const opened = str(raw.opened_at);
  if (id === null || opened === null) return null;
  const services = Array.isArray(raw.services) ? raw.services.filter((s): s is string => typeof s === 'string') : [];
  const peak: Record<string, number> = {};
  if (isObj(raw.peak_scores)) for (const [k, v] of Object.entries(raw.peak_scores)) if (num(v) !== null) peak[k] = v as number;
  const w = isObj(raw.webhook) ? raw.webhook : null;
  return {
    id,
    opened_at: opened,
    closed_at: str(raw.closed_at),
    services,
    peak_scores: peak,
    drivers: driversOf(raw.scores, services),
    webhook: w
      ? { status: str(w.status) ?? '?', attempts: num(w.attempts) ?? 0, incident_id: str(w.incident_id), last_error: str(w.last_error) }
      : null,
  };
}

/** What opened an incident, in a few words. */
function triggerOf(anomaly: unknown): string {
  if (!isObj(anomaly)) return '?';
  if (anomaly.source === 'anomaly-detector') return `anomaly ${str(anomaly.anomaly_id) ?? '?'}`;
  if (anomaly.source === 'manual') return `manual: ${str(anomaly.reason) ?? ''}`.trim();
  return str(anomaly.source) ?? '?';
}

function actionWords(record: unknown): string | null {
  if (!isObj(record)) return null;
  const action = isObj(record.action) ? record.action : {};
  const name = str(action.action) ?? 'invalid';
  const target = str(action.service) ?? '';
  return `${name}${target ? ` ${target}` : ''}: ${str(record.status) ?? '?'}`;
}

/** One operator incident, slimmed for the list. */
export function incidentSummary(raw: unknown): IncidentSummary | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id);
  if (id === null) return null;
  return {
    id,
    status: str(raw.status) ?? '?',
    opened_at: str(raw.opened_at) ?? '',
    root_cause: str(raw.root_cause),
    resolved_at: str(raw.resolved_at),
    verified: raw.verified === true,
    trigger: triggerOf(raw.anomaly),
    actions: Array.isArray(raw.actions) ? raw.actions.map(actionWords).filter((a): a is string => a !== null) : [],
  };
}

/** The detector's score history as chart points (ms since the epoch). */
function historyOf(body: unknown): AiopsResponse['detector']['scores'] | null {
  if (!isObj(body) || !Array.isArray(body.history)) return null;
  const points: Array<{ t: number; scores: Record<string, number | null> }> = [];
  for (const h of body.history) {
    if (!isObj(h) || !isObj(h.scores)) continue;
    const t = Date.parse(str(h.at) ?? '');
    if (!Number.isFinite(t)) continue;
    const scores: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(h.scores)) scores[k] = num(v);
    points.push({ t, scores });
  }
  return points;
}

/**
 * `GET /api/aiops`: the detector (health, scores over time, latest drivers, anomalies) and the
 * operator (health, incidents), each "not running" with the reason when it does not answer.
 */
export async function aiopsView(aiops: AiopsRelay, sampled: AiopsResponse['detector']['scores']): Promise<AiopsResponse> {
  const [health, scores, anomalies, opHealth, incidents] = await Promise.all([
    aiops.detectorHealth(),
    aiops.scores(),
    aiops.anomalies(),
    aiops.operatorHealth(),
    aiops.incidents(),
  ]);
  const scoresBody = ok(scores);
  const anomaliesBody = ok(anomalies);
  const list = anomaliesBody === undefined ? null : listOf(anomaliesBody, 'anomalies');
  const incidentList = ok(incidents) === undefined ? null : listOf(ok(incidents), 'incidents');
  return {
    detector: {
      running: health.running,
      url: aiops.detectorUrl,
      error: errorOf(health),
      health: ok<DetectorHealth>(health) ?? null,
      threshold: isObj(scoresBody) ? num(scoresBody.threshold) : null,
      latest: isObj(scoresBody) && Array.isArray(scoresBody.latest) ? (scoresBody.latest as ServiceScore[]) : [],
      open: isObj(anomaliesBody) ? anomalyView(anomaliesBody.open) : null,
      anomalies: list === null ? null : list.map(anomalyView).filter((a): a is AnomalyView => a !== null),
      scores: historyOf(scoresBody) ?? sampled,
    },
    operator: {
      running: opHealth.running,
      url: aiops.operatorUrl,
      error: errorOf(opHealth),
      health: (ok(opHealth) as AiopsResponse['operator']['health'] | undefined) ?? null,
      incidents: incidentList === null ? null : incidentList.map(incidentSummary).filter((i): i is IncidentSummary => i !== null),
    },
  };
}
