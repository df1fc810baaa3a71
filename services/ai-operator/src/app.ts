import { createServer, serverOptionsOf, type ServerOptions } from '@archaics/server';
import { createTelemetryReaders, type LogReader, type MetricsReader, type TraceReader } from '@archaics/telemetry-query';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { createLlmProvider } from './clients/llm/create-provider.ts';
import type { LlmProvider } from './clients/llm/llm-provider.ts';
import { KubernetesPlatform } from './clients/kubernetes.platform.ts';
import type { Platform } from './clients/platform.ts';
import { StackServiceControl } from './clients/service-control.ts';
import { SupervisorPlatform } from './clients/supervisor.platform.ts';
import type { OperatorConfig } from './config.ts';
import { MetricsHistory } from './domain/metrics-history.ts';
import { Operator, type ServiceControl } from './domain/operator.ts';
import { Policy } from './domain/policy.ts';
import { IncidentRepository } from './repositories/incident.repository.ts';
import { registerAnalyzeRoute } from './routes/analyze.route.ts';
import { registerIncidentRoutes } from './routes/incidents.route.ts';

/** What tests (and the bench) may pass in instead of the defaults. */
export type OperatorDeps = Partial<Pick<ServerOptions, 'logger' | 'tracing' | 'metrics'>> & {
  readers?: { metrics: MetricsReader; logs: LogReader; traces: TraceReader };
  services?: ServiceControl;
  platform?: Platform;
  llm?: LlmProvider;
  now?: () => Date;
};

/** Builds the ai-operator: /analyze, /incidents, the pipeline behind them, /health with mode and LLM. */
export async function buildApp(config: OperatorConfig, deps: OperatorDeps = {}): Promise<FastifyInstance> {
  const { readers: givenReaders, services: givenServices, platform: givenPlatform, llm: givenLlm, now, ...serverDeps } = deps;
  const repository = IncidentRepository.open(config.dbPath);
  const llm = givenLlm ?? createLlmProvider(config.llm);
  const platform =
    givenPlatform ??
    (config.executor.kind === 'kubernetes'
      ? new KubernetesPlatform({ namespace: config.executor.namespace })
      : new SupervisorPlatform({ home: config.home, controlUrl: config.executor.supervisorUrl, chaosToken: config.chaosToken }));
  const app = await createServer({
    ...serverOptionsOf(config),
    faultTypes: [],
    description: 'archaics ai-operator: evidence, root-cause ranking, LLM plans under a policy, remediation and verification (SPEC §5).',
    owns: [repository],
    // SPEC §5: /health also says the mode, the LLM and where actions go.
    health: {
      properties: {
        mode: Type.String(),
        llm: Type.Object({ provider: Type.String(), model: Type.Union([Type.String(), Type.Null()]), configured: Type.Boolean() }),
        executor: Type.String(),
      },
      read: () => ({
        mode: config.mode,
        llm: { provider: llm.provider, model: llm.model, configured: llm.configured },
        executor: platform.kind,
      }),
    },
    ...serverDeps,
  });
  const { logger, metrics } = app.archaics;
  const readers = givenReaders ?? createTelemetryReaders(process.env);
  const services = givenServices ?? new StackServiceControl({ urls: config.services, chaosToken: config.chaosToken });

  const incidentsTotal = new Counter({
    name: 'operator_incidents_total',
    help: 'Incidents by the status they reached.',
    labelNames: ['status'],
    registers: [metrics.registry],
  });
  const actionsTotal = new Counter({
    name: 'operator_actions_total',
    help: 'Proposed actions by action and what became of them.',
    labelNames: ['action', 'status'],
    registers: [metrics.registry],
  });

  // One clock for the pipeline, the policy's rate limit and cooldown, and the history's window.
  const clock = now ?? ((): Date => new Date());
  const nowMs = (): number => clock().getTime();
  const history = new MetricsHistory(readers.metrics, {
    keepMs: 6 * 60_000,
    now: nowMs,
    onError: (error) => logger.debug(`metrics sample failed: ${error.message}`),
  });
  const operator = new Operator({
    settings: { mode: config.mode, evidence: config.evidence, verify: config.verify, llmTimeoutMs: config.llm.timeoutMs },
    repository,
    history,
    logs: readers.logs,
    traces: readers.traces,
    services,
    platform,
    llm,
    policy: new Policy({ ...config.policy, now: nowMs }),
    logger,
    onIncident: (status) => incidentsTotal.inc({ status }),
    onAction: (action, status) => actionsTotal.inc({ action, status }),
    now: clock,
  });
  const interrupted = operator.recoverInterrupted();
  if (interrupted > 0) logger.warn(`${interrupted} incident(s) were in progress when the operator stopped: marked escalated`);

  await registerAnalyzeRoute(app, { operator, webhookSecret: config.webhookSecret, chaosToken: config.chaosToken });
  registerIncidentRoutes(app, { operator, repository, chaosToken: config.chaosToken });

  history.start(config.sampleIntervalMs);
  logger.info(
    `mode ${config.mode}, LLM ${llm.provider}${llm.model ? ` (${llm.model})` : ''}${llm.provider !== 'none' && !llm.configured ? ' NOT configured' : ''}, executor ${platform.kind}`,
  );
  app.addHook('onClose', async () => {
    history.stop();
    await operator.close();
  });
  return app;
}
