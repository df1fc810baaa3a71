import { setTimeout as sleep } from 'node:timers/promises';
import { FakeUpstream } from '@archaics/server/testing';

/** One server standing in for every service: sign-up, login, the chaos endpoints, and 200 for the rest. */
export interface FakeStack {
  readonly server: FakeUpstream;
  /** Delay of business requests (not of sign-in or chaos calls). */
  delayMs: number;
  /** Status of business requests. */
  status: number;
  /** The chaos calls received, in order: `inject db?type=...` is the path and query. */
  chaosCalls(): string[];
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const CHAOS = new Set(['/inject-failure', '/reset']);

export async function startFakeStack(): Promise<FakeStack> {
  const stack = {
    delayMs: 0,
    status: 200,
  } as FakeStack & { server: FakeUpstream };
  const server = await FakeUpstream.start(async (request) => {
    const path = request.path.split('?')[0] ?? '/';
    if (path === '/signup') return { status: 201, body: { user_id: 'u1', email: 'x@example.com' } };
    if (path === '/login') return { status: 200, body: { access_token: 'jwt-of-the-fake', token_type: 'bearer', expires_in: 3_600 } };
    if (CHAOS.has(path)) return { status: 200, body: { status: 'ok' } };
    if (stack.delayMs > 0) await sleep(stack.delayMs);
    return { status: stack.status, body: [] };
  });
  return Object.assign(stack, {
    server,
    chaosCalls: () => server.requests.filter((r) => CHAOS.has(r.path.split('?')[0] ?? '')).map((r) => `${r.method} ${r.path}`),
    env: () => ({
      AUTH_SERVICE_URL: server.url,
      DB_SERVICE_URL: server.url,
      PRODUCT_SERVICE_URL: server.url,
      PAYMENT_SERVICE_URL: server.url,
      CHAOS_TOKEN: 'test-chaos-token',
    }),
    stop: () => server.stop(),
  });
}
