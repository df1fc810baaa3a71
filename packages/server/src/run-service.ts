import type { FastifyInstance } from 'fastify';
import { ConfigError } from '@archaics/runtime';

/**
 * The body of every `main.ts`: builds the app, listens, and closes gracefully on
 * SIGTERM/SIGINT. A configuration error stops the process with a message naming the variable.
 */
export async function runService(build: () => Promise<{ app: FastifyInstance; host: string; port: number }>): Promise<void> {
  let built: { app: FastifyInstance; host: string; port: number };
  try {
    built = await build();
  } catch (error) {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : `failed to start: ${String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  const { app, host, port } = built;
  let closing = false;
  const close = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, closing`);
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
  try {
    // Fastify logs "Server listening at ..." itself.
    await app.listen({ host, port });
  } catch (error) {
    app.log.error(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
    process.exit(1);
  }
}
