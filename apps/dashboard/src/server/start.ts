import { networkInterfaces } from 'node:os';
import qrcode from 'qrcode-terminal';
import type { FastifyInstance } from 'fastify';
import type { StatusResponse } from '../shared/api-types.ts';
import { buildApp } from './app.ts';
import { loadConfig, type DashboardConfig, type DashboardMode } from './config.ts';
import { PAIRING_PARAM } from './domain/pairing.ts';
import { BUILD_COMMAND, buildUi, uiIsStale } from './ui-build.ts';

/**
 * Reads the configuration, builds the app and starts sampling. The UI is built in the
 * background when `dist/` is missing or older than its sources (pages answer "building…"
 * meanwhile), so `npm start` needs no separate build step.
 */
export async function startDashboard(mode: DashboardMode): Promise<{ app: FastifyInstance; host: string; port: number }> {
  const config = loadConfig(process.env, mode);
  let ui: StatusResponse['ui'] = uiIsStale(config.root) ? 'building' : 'ready';
  const { app, sampler } = await buildApp(config, { uiState: () => ui });
  if (ui === 'building') {
    if (config.autoBuild) {
      buildUi(config.root, (line) => app.log.info(line)).then(
        () => {
          ui = 'ready';
        },
        (error: unknown) => {
          ui = 'failed';
          app.log.error(`building the dashboard UI failed: ${(error as Error).message}; run ${BUILD_COMMAND}`);
        },
      );
    } else {
      app.log.warn(`the dashboard UI is not built (or is older than its sources): run ${BUILD_COMMAND}`);
      ui = 'failed';
    }
  }
  sampler.start();
  app.addHook('onListen', async () => {
    if (config.pairingToken !== null) printPairing(config);
  });
  return { app, host: config.host, port: config.port };
}

/** The laptop and phone URLs with the pairing token, and a QR code of the phone's (on stdout). */
function printPairing(config: DashboardConfig): void {
  const path = config.mode === 'control' ? '/control' : '/';
  const query = `?${PAIRING_PARAM}=${config.pairingToken}`;
  const laptop = `http://127.0.0.1:${config.port}${path}${query}`;
  const lanAddresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  const listensEverywhere = ['0.0.0.0', '::', ''].includes(config.host);
  const phoneHost = listensEverywhere ? lanAddresses[0] : /^127\.|^localhost$|^::1$/.test(config.host) ? undefined : config.host;
  const phone = phoneHost ? `http://${phoneHost}:${config.port}${path}${query}` : undefined;
  const lines = [
    '',
    `  archaics ${config.mode === 'control' ? 'control page' : 'dashboard'}`,
    `  laptop   ${laptop}`,
    phone ? `  phone    ${phone}` : `  phone    (no LAN address found: the phone must reach this machine on port ${config.port})`,
    `  pairing  ${config.pairingToken}  (asked once per browser, then kept in a cookie; restart to change it)`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (phone) qrcode.generate(phone, { small: true }, (code) => process.stdout.write(`${code}\n\n`));
}
