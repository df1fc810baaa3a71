import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServer } from '@archaics/server';
import { createTelemetryReaders, type TelemetryReaders } from '@archaics/telemetry-query';
import type { StatusResponse } from '../shared/api-types.ts';
import { StackClient } from '@archaics/client';
import { AiopsRelay } from './clients/aiops.relay.ts';
import { ServicesRelay } from './clients/services.relay.ts';
import type { DashboardConfig } from './config.ts';
import { LoadRuns } from './domain/load-runs.ts';
import { pairingPlugin } from './plugins/pairing.plugin.ts';
import { sameOriginPlugin } from './plugins/same-origin.plugin.ts';
import { aiopsRoutes } from './routes/aiops.route.ts';
import { chaosRoutes } from './routes/chaos.route.ts';
import { experimentsRoutes } from './routes/experiments.route.ts';
import { loadRoutes } from './routes/load.route.ts';
import { logsRoutes } from './routes/logs.route.ts';
import { overviewRoutes } from './routes/overview.route.ts';
import { tracesRoutes } from './routes/traces.route.ts';
import { uiRoutes } from './routes/ui.route.ts';
import { Sampler } from './sampler.ts';

/** What the app is built from; tests pass their own. */
export interface DashboardDeps {
  readonly telemetry?: TelemetryReaders;
  readonly loadRuns?: LoadRuns;
  /** Where the built UI is (default `<root>/dist`). */
  readonly distDir?: string;
  /** The UI build state, asked per request ('ready' once dist exists). */
  readonly uiState?: () => StatusResponse['ui'];
}

/**
 * The dashboard server: the built UI, and the API it calls, one route module per view. It
 * talks to the services and the telemetry readers with the chaos token, which never leaves
 * this process.
 */
export async function buildApp(config: DashboardConfig, deps: DashboardDeps = {}): Promise<{ app: FastifyInstance; sampler: Sampler }> {
  const telemetry = deps.telemetry ?? createTelemetryReaders(config.env);
  const stack = new StackClient({
    token: config.chaosToken,
    home: config.home,
    targets: { services: config.services, detector: config.detectorUrl, operator: config.operatorUrl },
  });
  const services = new ServicesRelay(stack);
  const aiops = new AiopsRelay(stack);
  const sampler = new Sampler(telemetry.metrics, services, aiops, config.sampleMs);
  const targets = {
    auth: config.services['auth-service'],
    db: config.services['db-service'],
    product: config.services['product-service'],
    payment: config.services['payment-service'],
  };
  const loadRuns = deps.loadRuns ?? new LoadRuns(targets, config.env);
  const distDir = deps.distDir ?? join(config.root, 'dist');
  const uiState = deps.uiState ?? ((): StatusResponse['ui'] => (existsSync(join(distDir, 'index.html')) ? 'ready' : 'building'));

  const app = await createServer({
    service: 'dashboard',
    version: config.version,
    chaosToken: config.chaosToken,
    // The dashboard takes no faults itself; it relays them to the business services.
    faultTypes: [],
    logLevel: config.logLevel,
    description: 'archaics dashboard: the web UI, /control (the phone page) and the API they call',
  });
  app.addHook('onClose', async () => {
    await sampler.stop();
    await loadRuns.close();
  });

  // Pairing (the phone page, or any listener off loopback): the token once in the query, then a cookie.
  if (config.pairingToken !== null) await app.register(pairingPlugin, { token: config.pairingToken });
  await app.register(sameOriginPlugin);

  await app.register(uiRoutes, { mode: config.mode, version: config.version, distDir, uiState });
  await app.register(overviewRoutes, { sampler });
  await app.register(chaosRoutes, { services, sampler });
  await app.register(loadRoutes, { loadRuns });
  await app.register(tracesRoutes, { traces: telemetry.traces });
  await app.register(logsRoutes, { logs: telemetry.logs });
  await app.register(aiopsRoutes, { aiops, sampler });
  await app.register(experimentsRoutes, { home: config.home });

  return { app, sampler };
}
