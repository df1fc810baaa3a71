import { runService } from '@archaics/server';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

await runService(async () => {
  const config = loadConfig();
  const telemetry = await buildApp(config);
  // runService listens on the OTLP side and closes it on SIGTERM/SIGINT; closing it closes the query side too.
  try {
    await telemetry.query.listen({ host: config.host, port: config.queryPort });
  } catch (error) {
    await telemetry.close();
    throw new Error(`cannot listen on ${config.host}:${config.queryPort} (TELEMETRY_QUERY_PORT): ${(error as Error).message}`);
  }
  const address = telemetry.query.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.queryPort;
  telemetry.query.log.info(`telemetry query API (Jaeger, logs) listening on http://${config.host}:${port}`);
  return { app: telemetry.otlp, host: config.host, port: config.otlpPort };
});
