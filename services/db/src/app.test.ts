import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultTypesFor } from '@archaics/contracts';
import { buildApp } from './app.ts';
import { buildTestApp, chaosHeaders, injectFault, type TestApp } from './testing/test-app.ts';

let dir: string;
let test: TestApp | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-db-'));
});
afterEach(async () => {
  await test?.app.close();
  test = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe(buildApp.name, () => {
  it('keeps an acknowledged write across close and reopen of a file database', async () => {
    const dbPath = join(dir, 'db.sqlite');
    test = await buildTestApp({ DB_PATH: dbPath });
    const write = await test.app.inject({ method: 'POST', url: '/cart/add', payload: { user_id: 'u1', product_id: 'p5', quantity: 4 } });
    expect(write.statusCode).toBe(200);
    await test.app.close();

    test = await buildTestApp({ DB_PATH: dbPath });
    expect((await test.app.inject('/cart/u1')).json()).toEqual({ user_id: 'u1', items: [{ product_id: 'p5', quantity: 4 }] });
    expect((await test.app.inject('/products')).json()).toHaveLength(5);
  });

  it('opens the file in WAL mode with synchronous=NORMAL and closes it with the app', async () => {
    const dbPath = join(dir, 'db.sqlite');
    test = await buildTestApp({ DB_PATH: dbPath });
    const probe = new Database(dbPath, { readonly: true });
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    await test.app.close();
    test = undefined;
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    const after = new Database(dbPath);
    expect(after.prepare('SELECT count(*) AS n FROM products').get()).toEqual({ n: 5 });
    after.close();
  });

  it('re-seeds missing products at start without overwriting existing ones', async () => {
    const dbPath = join(dir, 'db.sqlite');
    test = await buildTestApp({ DB_PATH: dbPath });
    await test.app.close();
    const db = new Database(dbPath);
    db.prepare("UPDATE products SET name = 'Notebook' WHERE id = 'p1'").run();
    db.prepare("DELETE FROM products WHERE id = 'p2'").run();
    db.close();
    test = await buildTestApp({ DB_PATH: dbPath });
    const products = (await test.app.inject('/products')).json<Array<{ id: string; name: string }>>();
    expect(products.map((p) => `${p.id}:${p.name}`)).toEqual(['p1:Notebook', 'p2:Headphones', 'p3:Keyboard', 'p4:Mouse', 'p5:Monitor']);
  });

  it('accepts all five fault types and keeps /health answering under bad_data', async () => {
    test = await buildTestApp();
    const unknown = await test.app.inject({ method: 'POST', url: '/inject-failure?type=nope', headers: chaosHeaders });
    expect(unknown.json()).toMatchObject({ allowed: faultTypesFor('db-service') });
    await injectFault(test.app, 'type=bad_data&intensity=10');
    const health = await test.app.inject('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', service: 'db-service', failure: { type: 'bad_data', intensity: 10 } });
  });

  it('answers 500 injected_error on business routes under the error fault', async () => {
    test = await buildTestApp();
    await injectFault(test.app, 'type=error');
    const res = await test.app.inject('/products');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'injected_error', service: 'db-service' });
  });

  it('exits with code 1 on the crash fault', async () => {
    const codes: number[] = [];
    test = await buildTestApp({}, { exit: (code) => codes.push(code) });
    await injectFault(test.app, 'type=crash&probability=0.999');
    // Each request draws the crash with probability 0.999: ask until one does (bounded).
    for (let i = 0; i < 10 && codes.length === 0; i++) await test.app.inject('/products').catch(() => undefined);
    await vi.waitFor(() => expect(codes[0]).toBe(1));
  });

  it('documents every business route in the OpenAPI document', async () => {
    test = await buildTestApp();
    const res = await test.app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/products', '/products/{id}', '/cart/add', '/cart/{user_id}', '/cart/clear']),
    );
    expect(Object.keys(doc.paths).some((p) => p.includes('*'))).toBe(false);
    expect(JSON.stringify(doc.paths['/products'])).toContain('N/A');
    expect(doc.paths['/cart/add']!.post!.responses).toHaveProperty('404');
  });
});
