import { runService } from '@archaics/server';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

await runService(async () => {
  const config = loadConfig();
  const app = await buildApp(config);
  return { app, host: config.host, port: config.port };
});
