import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { CHAOS_TOKEN, JWT_SECRET, buildTestApp, chaosHeaders, login, signup, signupAndLogin, type TestApp } from './testing/test-app.ts';

let dir: string;
let test: TestApp | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-auth-'));
});
afterEach(async () => {
  await test?.app.close();
  test = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'Tr0ub4dor&3-secret';

describe(buildApp.name, () => {
  it('keeps users across close and reopen of a file database, passwords stored as scrypt hashes', async () => {
    const dbPath = join(dir, 'auth.sqlite');
    test = await buildTestApp({ AUTH_DB_PATH: dbPath });
    const { userId } = await signupAndLogin(test.app, 'ada@example.com', PASSWORD);
    await test.app.close();

    const db = new Database(dbPath, { readonly: true });
    const row = db.prepare('SELECT id, email, password_hash FROM users').get() as Record<string, string>;
    db.close();
    expect(row).toMatchObject({ id: userId, email: 'ada@example.com', password_hash: expect.stringMatching(/^scrypt\$16\$8\$1\$/) });
    expect(row.password_hash).not.toContain(PASSWORD);

    test = await buildTestApp({ AUTH_DB_PATH: dbPath });
    expect((await login(test.app, 'ada@example.com', PASSWORD)).statusCode).toBe(200);
    expect((await signup(test.app, 'ada@example.com', PASSWORD)).statusCode).toBe(409);
  });

  it('writes no password, token or hash to any log line', async () => {
    test = await buildTestApp();
    const { token } = await signupAndLogin(test.app, 'ada@example.com', PASSWORD);
    await login(test.app, 'ada@example.com', `${PASSWORD}-wrong`);
    await login(test.app, 'nobody@example.com', PASSWORD);
    await test.app.inject({ method: 'GET', url: '/validate', headers: { authorization: `Bearer ${token}` } });
    await test.app.inject({ method: 'GET', url: '/validate', headers: { authorization: `Bearer ${token}x` } });
    await test.app.inject({ method: 'POST', url: '/inject-failure?type=error&probability=0.5', headers: chaosHeaders });
    await test.app.inject({ method: 'POST', url: '/reset', headers: chaosHeaders });
    const all = test.log.lines.join('\n');
    expect(test.log.lines.length).toBeGreaterThan(8);
    for (const secret of [PASSWORD, token, token.split('.')[2]!, JWT_SECRET, CHAOS_TOKEN, 'scrypt$']) expect(all).not.toContain(secret);
    expect(test.log.records().every((r) => typeof r.timestamp === 'string' && typeof r.level === 'string')).toBe(true);
  });

  it('takes the JWT key from the state folder when JWT_SECRET is unset, so tokens outlive a restart', async () => {
    const env = { ARCHAICS_HOME: dir, JWT_SECRET: '', AUTH_DB_PATH: join(dir, 'auth.sqlite') };
    test = await buildTestApp(env);
    const { token } = await signupAndLogin(test.app, 'ada@example.com', PASSWORD);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    await test.app.close();
    test = await buildTestApp(env);
    const res = await test.app.inject({ method: 'GET', url: '/validate', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
  });

  it('accepts four fault types and refuses bad_data', async () => {
    test = await buildTestApp();
    const res = await test.app.inject({ method: 'POST', url: '/inject-failure?type=bad_data', headers: chaosHeaders });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ allowed: ['timeout', 'error', 'cpu', 'crash', 'latency', 'leak'] });
  });

  it('answers 500 injected_error on its routes under the error fault, /health still fine', async () => {
    test = await buildTestApp();
    await test.app.inject({ method: 'POST', url: '/inject-failure?type=error', headers: chaosHeaders });
    const res = await test.app.inject({ method: 'GET', url: '/validate' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'injected_error', service: 'auth-service' });
    expect((await test.app.inject('/health')).json()).toMatchObject({ status: 'ok', service: 'auth-service', failure: { type: 'error' } });
  });

  it('documents its routes in the OpenAPI document', async () => {
    test = await buildTestApp();
    const doc = (await test.app.inject('/docs/json')).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/signup', '/login', '/validate', '/health']));
    expect(Object.keys(doc.paths['/login']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(Object.keys(doc.paths['/signup']!.post!.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
  });
});
