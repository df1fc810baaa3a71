import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PORTS } from '@archaics/contracts';
import { call, inject, newUser, resetAll, startTestStack, type TestStack } from '../../../e2e/support/test-stack.ts';
import { BUNDLE_LIMIT_BYTES, bundleSize } from '../src/server/bundle-size.ts';

// The dashboard and the phone page in Debian's Chromium against the real stack (offset 1000):
// dashboard on 8000, control page (scripts/serve-control.sh) on 9080, with the anomaly detector
// and the ai-operator (approve mode: it heals nothing until the AI-Ops view's button says so).
const OFFSET = 1000;
const DASHBOARD = `http://127.0.0.1:${7000 + OFFSET}`;
const DETECTOR = `http://127.0.0.1:${SERVICE_PORTS['anomaly-detector'] + OFFSET}`;
const OPERATOR = `http://127.0.0.1:${SERVICE_PORTS['ai-operator'] + OFFSET}`;
const CONTROL_PORT = 8080 + OFFSET;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// Screenshots go to a temporary folder (removed afterwards), so that a test run leaves the tree
// as it found it; `npm run docs:screenshots` sets ARCHAICS_SCREENSHOTS_DIR=docs/images/dashboard.
const SHOTS_DIR = process.env.ARCHAICS_SCREENSHOTS_DIR;
const SHOTS = SHOTS_DIR ? resolve(REPO, SHOTS_DIR) : mkdtempSync(join(tmpdir(), 'archaics-screenshots-'));
const BUSINESS = ['auth-service', 'db-service', 'product-service', 'payment-service'] as const;

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let control: ChildProcess | undefined;
let controlOutput = '';
let controlUrl = '';
let userDir: string;
let traffic = true;
let trafficLoop: Promise<void> | undefined;
const consoleErrors: string[] = [];
/** Every answer the browser received from the dashboard servers: URL and body. */
const received: Array<{ url: string; body: string }> = [];

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

function watch(p: Page): void {
  p.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${p.url()}: ${message.text()}`);
  });
  p.on('pageerror', (error) => consoleErrors.push(`${p.url()}: ${error.message}`));
  p.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    // The live log tail never ends; its content is checked apart (see the token test).
    if (type.includes('text/event-stream')) return;
    response.text().then(
      (body) => received.push({ url: response.url(), body }),
      () => undefined,
    );
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startTestStack({
    portOffset: OFFSET,
    only: ['telemetry', ...BUSINESS, 'anomaly-detector', 'ai-operator'],
    // A short baseline; approve mode, so the tests that inject faults are not healed behind their back.
    env: { BASELINE_SAMPLES: '5', OPERATOR_MODE: 'approve', LLM_PROVIDER: 'none' },
    extra: [
      {
        name: 'dashboard',
        dir: 'apps/dashboard',
        entry: 'src/server/main.ts',
        port: 7000,
        env: { ARCHAICS_PORT_OFFSET: String(OFFSET), DASHBOARD_SAMPLE_MS: '1000' },
      },
    ],
  });
  // Light, steady traffic through product → auth, db so that charts, logs and traces have something.
  const { jwt } = await newUser(stack);
  trafficLoop = (async () => {
    while (traffic) {
      await call(`${stack.url('product-service')}/products`, { token: jwt, timeoutMs: 5000 }).catch(() => undefined);
      await sleep(300);
    }
  })();

  // The server builds the UI when dist/ is missing or stale.
  await waitFor('the UI build', async () => (await call(`${DASHBOARD}/api/status`)).body.ui === 'ready', 120_000);
  // The detector started learning while the stack was idle (and busy building the UI): it learns
  // its baseline again under the traffic the tests run with.
  const reset = await call(`${DETECTOR}/baseline/reset`, { method: 'POST', token: stack.token });
  if (reset.status !== 202) throw new Error(`baseline reset: ${reset.status} ${JSON.stringify(reset.body)}`);

  control = spawn('bash', [join(REPO, 'scripts', 'serve-control.sh')], {
    cwd: REPO,
    env: { ...process.env, ARCHAICS_HOME: stack.home, ARCHAICS_PORT_OFFSET: String(OFFSET), CHAOS_TOKEN: '', PORT: '', HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  control.stdout!.on('data', (chunk: Buffer) => (controlOutput += chunk.toString()));
  control.stderr!.on('data', (chunk: Buffer) => (controlOutput += chunk.toString()));
  controlUrl = await waitFor('the control page URL', async () => /laptop\s+(http:\/\/\S+)/.exec(controlOutput)?.[1], 30_000);

  // Playwright refuses --user-data-dir with launch(); it gives each launch a fresh temporary profile
  // of its own, and TMPDIR points it at a folder this test removes.
  userDir = mkdtempSync(join(tmpdir(), 'archaics-chromium-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: { ...process.env, TMPDIR: userDir },
  });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  watch(page);
}, 240_000);

afterAll(async () => {
  traffic = false;
  await trafficLoop;
  await browser?.close().catch(() => undefined);
  if (control && control.exitCode === null) {
    control.kill('SIGTERM');
    await new Promise((resolve) => control!.once('exit', resolve));
  }
  await stack?.stop();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  if (!SHOTS_DIR) rmSync(SHOTS, { recursive: true, force: true });
}, 60_000);

const statusOf = (p: Page, service: string): Promise<string | null> => p.getAttribute(`[data-testid="service-${service}"]`, 'data-status');
/** The scope labels of a service's active faults, as its /health gives them. */
const scopesOf = async (service: (typeof BUSINESS)[number]): Promise<string[]> =>
  ((await call(`${stack.url(service)}/health`)).body.failures as Array<{ scope: string }>).map((f) => f.scope).sort();

describe('dashboard in the browser', () => {
  it('shows four healthy services, the graph and the live charts on the overview', async () => {
    await page.goto(`${DASHBOARD}/`);
    await page.waitForSelector('[data-testid="service-graph"] canvas');
    await waitFor('four healthy services', async () => (await page.locator('[data-status="healthy"]').count()) === 4, 20_000);
    for (const service of BUSINESS) expect(await statusOf(page, service)).toBe('healthy');
    await expect.poll(() => page.textContent('[data-testid="healthy-count"]')).toBe('4/4 healthy');
    // Give the charts a few points of the traffic.
    await sleep(5000);
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
  });

  it('injects a db timeout from the chaos view: db and product degraded within 5 s, the countdown runs; halt all clears it', async () => {
    await page.click('nav >> text=Chaos');
    await page.waitForSelector('[data-testid="inject"]');
    await page.selectOption('select[name="service"]', 'db-service');
    await page.selectOption('select[name="type"]', 'timeout');
    await page.fill('input[name="intensity"]', '1');
    await page.fill('input[name="probability"]', '1');
    await page.fill('input[name="duration"]', '60');
    const clickedAt = Date.now();
    await page.click('[data-testid="inject"]');
    await waitFor(
      'db and product degraded',
      async () => (await statusOf(page, 'db-service')) === 'degraded' && (await statusOf(page, 'product-service')) === 'degraded',
      5000,
    );
    expect(Date.now() - clickedAt).toBeLessThanOrEqual(5000);
    expect(await page.textContent('[data-testid="fault-db-service"]')).toContain('timeout');
    const first = Number(await page.textContent('[data-testid="countdown-db-service"]'));
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThanOrEqual(60);
    await sleep(2200);
    const second = Number(await page.textContent('[data-testid="countdown-db-service"]'));
    expect(second).toBeLessThan(first);
    await page.screenshot({ path: join(SHOTS, 'chaos.png'), fullPage: true });

    await page.click('[data-testid="halt-all"]');
    await waitFor('no fault on db', async () => (await page.locator('[data-testid="fault-db-service"]').count()) === 0, 5000);
    const health = await call(`${stack.url('db-service')}/health`);
    expect(health.body.failure).toBeNull();
    // Product's breaker and metrics window recover a few seconds after the fault is gone.
    await waitFor('four healthy services again', async () => (await page.locator('[data-status="healthy"]').count()) === 4, 30_000);
  });

  it('injects faults of several scopes from the chaos view, shows each by scope and an edge fault on its edge, and clears one scope', async () => {
    try {
      await page.click('nav >> text=Chaos');
      await page.waitForSelector('[data-testid="fault-service"]');
      // A gray latency on the whole of db, with its delay.
      await page.selectOption('[data-testid="fault-service"]', 'db-service');
      await page.selectOption('[data-testid="fault-type"]', 'latency');
      expect(await page.locator('[data-testid="fault-status"]').count()).toBe(0);
      await page.fill('[data-testid="fault-ms"]', '250');
      await page.fill('[data-testid="fault-jitter"]', '0.2');
      await page.fill('[data-testid="fault-duration"]', '120');
      await page.click('[data-testid="inject"]');
      const latency = page.locator('[data-testid="fault-db-service-service"]');
      await latency.waitFor({ timeout: 5000 });
      expect(await latency.getAttribute('data-type')).toBe('latency');
      expect(await latency.textContent()).toMatch(/latency\s*whole service.*250 ms ±0\.2/);

      // An error 502 on one route of db beside it: two scopes on one service.
      await page.selectOption('[data-testid="fault-type"]', 'error');
      expect(await page.locator('[data-testid="fault-ms"]').count()).toBe(0);
      await page.selectOption('[data-testid="fault-status"]', '502');
      await page.selectOption('[data-testid="fault-scope"]', 'route');
      await page.selectOption('[data-testid="fault-route"]', '/cart/add');
      await page.click('[data-testid="inject"]');
      const routeFault = page.locator('[data-testid="fault-db-service-route:/cart/add"]');
      await routeFault.waitFor({ timeout: 5000 });
      expect(await routeFault.textContent()).toMatch(/error\s*route \/cart\/add.*status 502/);
      expect(await page.locator('[data-testid="fault-db-service"] > li').count()).toBe(2);

      // A partition of product → db: edge-only, so the scope is the edge and a target is asked for.
      await page.selectOption('[data-testid="fault-service"]', 'product-service');
      await page.selectOption('[data-testid="fault-type"]', 'partition');
      expect(await page.locator('[data-testid="fault-scope"] option').allTextContents()).toEqual(['an edge (calls to)']);
      await page.selectOption('[data-testid="fault-target"]', 'db-service');
      await page.click('[data-testid="inject"]');
      const edge = page.locator('[data-testid="fault-product-service-edge:db-service"]');
      await edge.waitFor({ timeout: 5000 });
      expect(await edge.textContent()).toMatch(/partition\s*edge → db/);
      // cpu acts on the whole process: no scope to choose.
      await page.selectOption('[data-testid="fault-type"]', 'cpu');
      expect(await page.locator('[data-testid="fault-scope"]').count()).toBe(0);
      expect(await scopesOf('db-service')).toEqual(['route:/cart/add', 'service']);
      expect(await scopesOf('product-service')).toEqual(['edge:db-service']);
      await page.screenshot({ path: join(SHOTS, 'chaos-scopes.png'), fullPage: true });

      // The overview: the edge drawn and listed as partitioned, every fault on the cards.
      await page.click('nav >> text=Overview');
      const drawn = page.locator('[data-testid="edge-fault-product-service-db-service"]');
      await drawn.waitFor({ timeout: 5000 });
      expect(await drawn.getAttribute('data-type')).toBe('partition');
      expect(await drawn.textContent()).toBe('product → db: partition');
      expect(await page.textContent('[data-testid="fault-product-service"]')).toContain('partition');
      expect(await page.locator('[data-testid="fault-db-service"] > li').count()).toBe(2);
      await page.screenshot({ path: join(SHOTS, 'overview-edge-fault.png'), fullPage: true });

      // Clearing the route's fault leaves db's service-wide latency in place.
      await page.click('nav >> text=Chaos');
      await page.click('[data-testid="clear-db-service-route:/cart/add"]');
      await waitFor('the route fault gone', async () => (await routeFault.count()) === 0, 5000);
      expect(await latency.count()).toBe(1);
      expect(await scopesOf('db-service')).toEqual(['service']);
      expect(await scopesOf('product-service')).toEqual(['edge:db-service']);
      await page.click('[data-testid="clear-product-service-edge:db-service"]');
      await waitFor('the edge fault gone', async () => (await edge.count()) === 0, 5000);
      expect(await scopesOf('product-service')).toEqual([]);
      expect(await scopesOf('db-service')).toEqual(['service']);
    } finally {
      await resetAll(stack);
    }
    await waitFor('four healthy services again', async () => (await page.locator('[data-status="healthy"]').count()) === 4, 30_000);
  });

  it('opens the waterfall of a trace from a trace id in the logs', async () => {
    await page.click('nav >> text=Logs');
    await page.selectOption('select[name="service"]', 'product-service');
    const line = page.locator('[data-testid="log-line"]', { hasText: 'GET /products 200' }).first();
    await line.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'logs.png') });
    await line.locator('[data-testid="trace-link"]').click();
    await page.waitForURL(/\/traces\?trace=[0-9a-f]{32}/);
    await page.waitForSelector('[data-testid="waterfall"]', { timeout: 15_000 });
    const services = await waitFor(
      'spans of product, auth and db',
      async () => {
        const found = new Set(
          await page.locator('[data-testid="span-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service'))),
        );
        return ['product-service', 'auth-service', 'db-service'].every((s) => found.has(s)) ? found : null;
      },
      15_000,
    );
    expect([...services].sort()).toEqual(['auth-service', 'db-service', 'product-service']);
    await page.screenshot({ path: join(SHOTS, 'traces.png'), fullPage: true });
  });

  it('runs a short load scenario with live progress and a summary', async () => {
    await page.click('nav >> text=Load');
    await page.selectOption('select[name="scenario"]', 'normal');
    await page.fill('input[name="vus"]', '2');
    await page.fill('input[name="duration"]', '6s');
    await page.click('[data-testid="load-start"]');
    await page.waitForSelector('[data-testid="load-progress"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="load-summary"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="load-summary"]')).toMatch(/requests\s*\d+/);
    await page.screenshot({ path: join(SHOTS, 'load.png'), fullPage: true });
  });

  it('shows the detector trained, an incident of a db error awaiting approval, approves it and shows it resolved', async () => {
    await page.click('nav >> text=AI-Ops');
    await page.waitForURL(/\/aiops$/);
    await page.waitForSelector('[data-testid="detector-status"]');
    await waitFor(
      'the operator in approve mode',
      async () => (await page.textContent('[data-testid="operator-mode"]'))?.includes('mode approve'),
      20_000,
    );
    expect(await page.textContent('[data-testid="operator-status"]')).not.toContain('not running');
    // The baseline of 5 clean intervals (the chaos tests above pause it while their faults are active).
    await waitFor('the detector trained', async () => (await page.textContent('[data-testid="detector-trained"]')) === 'trained', 120_000);
    expect(await page.textContent('[data-testid="baseline-progress"]')).toBe('baseline 5/5');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(1);
    // One webhook per anomaly: the episodes of the faults above must have closed first.
    await waitFor('no open anomaly', async () => (await call(`${DETECTOR}/anomalies`)).body.open === null, 90_000);
    const before = new Set<string>(((await call(`${OPERATOR}/incidents?limit=500`)).body as Array<{ id: string }>).map((i) => i.id));

    const rows = (): Promise<Array<{ id: string; status: string; root: string }>> =>
      page.locator('[data-testid="incident-row"]').evaluateAll((trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-id') ?? '',
          status: tr.getAttribute('data-status') ?? '',
          root: tr.getAttribute('data-root-cause') ?? '',
        })),
      );
    try {
      await inject(stack, 'db-service', 'type=error&probability=1&duration=120');
      // Detector (2 anomalous intervals) → signed webhook → operator (evidence, ranking, plan) → awaiting approval.
      const incident = await waitFor(
        'a new incident with root cause db-service awaiting approval',
        async () => (await rows()).find((r) => !before.has(r.id) && r.root === 'db-service' && r.status === 'awaiting_approval'),
        40_000,
      );
      await page.click(`[data-testid="incident-row"][data-id="${incident.id}"] [data-testid="incident-link"]`);
      const detail = page.locator(`[data-testid="incident-detail"][data-id="${incident.id}"]`);
      await detail.waitFor({ timeout: 10_000 });
      // The list's change makes the detail fetch again (it may have been shown, as the newest, while analysing).
      await waitFor(
        'the detail shows the ranked incident',
        async () => (await detail.getAttribute('data-status')) === 'awaiting_approval',
        5_000,
      );
      expect(await detail.locator('[data-testid="root-cause"]').textContent()).toBe('db-service');
      // The ranking with its evidence: db first, with sentences that say why.
      const ranked = await detail
        .locator('[data-testid="ranking"] > li')
        .evaluateAll((lis) =>
          lis.map((li) => ({ service: li.getAttribute('data-service'), evidence: li.querySelectorAll('.evidence li').length })),
        );
      expect(ranked[0]?.service).toBe('db-service');
      expect(ranked[0]!.evidence).toBeGreaterThan(0);
      expect(ranked.map((r) => r.service).sort()).toEqual([...BUSINESS].sort());
      // The explanation, and why no LLM wrote it.
      expect(await detail.locator('[data-testid="explanation"]').textContent()).toContain('db-service');
      const llm = await detail.locator('[data-testid="llm"]').textContent();
      expect(llm).toContain('deterministic plan');
      expect(llm).toContain('LLM not used: no LLM provider');
      expect(await detail.locator('[data-testid="actions"] tr[data-status="awaiting_approval"]').textContent()).toContain('reset_failure');
      // The anomaly that opened it (the callers' errors may show first; the ranking finds the cause), its webhook delivered.
      const anomaly = page.locator('[data-testid="anomaly-row"]', { hasText: incident.id.slice(0, 12) });
      expect(await anomaly.count()).toBe(1);
      expect(await anomaly.textContent()).toContain('delivered');

      await detail.locator('[data-testid="approve"]').click();
      await waitFor('the incident resolved', async () => (await detail.getAttribute('data-status')) === 'resolved', 90_000);
      expect(await detail.locator('[data-testid="verified"]').textContent()).toBe('yes');
      expect(await detail.locator('[data-testid="actions"] tr[data-status="succeeded"]').textContent()).toContain(
        '{"action":"reset_failure","service":"db-service"}',
      );
      const events = await detail
        .locator('[data-testid="timeline"] > li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-event')));
      for (const event of [
        'opened',
        'evidence_gathered',
        'ranked',
        'planned',
        'awaiting_approval',
        'approved',
        'action_succeeded',
        'verifying',
        'verified',
        'resolved',
      ])
        expect(events).toContain(event);
      expect(await detail.locator('[data-testid="time-to-mitigate"]').textContent()).toMatch(/^\+\d+\.\d s$/);
      // The operator's action cleared the fault itself.
      expect((await call(`${stack.url('db-service')}/health`)).body.failure).toBeNull();
      await page.screenshot({ path: join(SHOTS, 'aiops.png'), fullPage: true });
    } finally {
      await resetAll(stack);
    }
  }, 360_000);

  it('opens the experiments view', async () => {
    await page.click('nav >> text=Experiments');
    await page.waitForURL(/\/experiments$/);
    expect(await page.textContent('main')).toContain('experiment journals will appear here');
  });

  it('serves the phone page at 390×844 behind the pairing token', async () => {
    // Without the token: 401 for the page and its API; /health stays open.
    const base = `http://127.0.0.1:${CONTROL_PORT}`;
    expect((await call(`${base}/control`)).status).toBe(401);
    expect((await call(`${base}/`)).status).toBe(401);
    expect((await call(`${base}/api/overview`)).status).toBe(401);
    expect((await call(`${base}/api/chaos/halt`, { body: {} })).status).toBe(401);
    expect((await call(`${base}/control`, { headers: { cookie: 'archaics_pair=wrong-token-0123456789' } })).status).toBe(401);
    expect((await call(`${base}/health`)).status).toBe(200);
    expect(controlOutput).toMatch(/phone\s+/);
    expect(controlOutput).toContain('pairing');

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await phone.newPage();
    watch(p);
    await p.goto(controlUrl);
    // The token leaves the address bar once the cookie is set.
    expect(new URL(p.url()).pathname).toBe('/control');
    expect(new URL(p.url()).searchParams.has('pair')).toBe(false);
    await p.waitForSelector('[data-testid="status-db-service"]');
    // One column, nothing wider than the phone, large touch targets.
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const heights = await p.locator('button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThanOrEqual(5);
    for (const h of heights) expect(h).toBeGreaterThanOrEqual(44);

    await p.selectOption('[data-testid="control-service"]', 'payment-service');
    await p.selectOption('[data-testid="control-type"]', 'error');
    await p.fill('[data-testid="control-duration"]', '30');
    await p.tap('[data-testid="control-inject"]');
    await p.locator('[data-testid="responses"] li', { hasText: 'inject error → payment' }).waitFor({ timeout: 10_000 });
    expect(await p.textContent('[data-testid="responses"]')).toContain('inject error → payment: injected');
    expect((await call(`${stack.url('payment-service')}/health`)).body.failure?.type).toBe('error');
    await p.tap('[data-testid="preset-high-latency"]');
    await p.locator('[data-testid="responses"] li', { hasText: 'high latency' }).waitFor({ timeout: 10_000 });
    expect(await p.textContent('[data-testid="responses"]')).toContain('db ok');
    expect((await call(`${stack.url('db-service')}/health`)).body.failure?.type).toBe('timeout');
    await p.tap('[data-testid="control-halt"]');
    await p.locator('[data-testid="responses"] li', { hasText: 'halt all' }).waitFor({ timeout: 10_000 });
    expect((await call(`${stack.url('db-service')}/health`)).body.failure).toBeNull();
    expect((await call(`${stack.url('payment-service')}/health`)).body.failure).toBeNull();
    await p.screenshot({ path: join(SHOTS, 'control.png'), fullPage: true });
    await phone.close();
  });

  it('injects a route error with status 503 from the phone page at 390 px and clears it', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await phone.newPage();
    watch(p);
    try {
      await p.goto(controlUrl);
      await p.waitForSelector('[data-testid="control-service"]');
      await p.selectOption('[data-testid="control-service"]', 'product-service');
      await p.selectOption('[data-testid="control-type"]', 'error');
      await p.selectOption('[data-testid="control-scope"]', 'route');
      await p.selectOption('[data-testid="control-route"]', '/cart/add');
      await p.selectOption('[data-testid="control-status"]', '503');
      await p.fill('[data-testid="control-duration"]', '120');
      await p.tap('[data-testid="control-inject"]');
      await p.locator('[data-testid="responses"] li', { hasText: 'inject error → product on /cart/add' }).waitFor({ timeout: 10_000 });
      expect(await p.textContent('[data-testid="responses"]')).toContain('inject error → product on /cart/add: injected');
      const health = (await call(`${stack.url('product-service')}/health`)).body;
      expect(health.failures).toEqual([expect.objectContaining({ type: 'error', scope: 'route:/cart/add', status: 503 })]);
      // Faults of other scopes beside it, for the list (and the screenshot).
      await inject(stack, 'product-service', 'type=blackhole&target=auth-service&duration=120');
      await inject(stack, 'db-service', 'type=latency&ms=200&duration=120');
      const routeFault = p.locator('[data-testid="fault-product-service-route:/cart/add"]');
      await routeFault.waitFor({ timeout: 10_000 });
      await p.locator('[data-testid="fault-product-service-edge:auth-service"]').waitFor({ timeout: 10_000 });
      await p.locator('[data-testid="fault-db-service-service"]').waitFor({ timeout: 10_000 });
      expect(await routeFault.textContent()).toMatch(/error\s*route \/cart\/add.*status 503/);
      expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      const heights = await p.locator('button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
      for (const h of heights) expect(h).toBeGreaterThanOrEqual(44);
      await p.screenshot({ path: join(SHOTS, 'control-scopes.png'), fullPage: true });
      await p.locator('section[aria-label="active faults"]').screenshot({ path: join(SHOTS, 'control-faults.png') });

      await p.tap('[data-testid="clear-product-service-route:/cart/add"]');
      await p.locator('[data-testid="responses"] li', { hasText: 'clear route:/cart/add of product' }).waitFor({ timeout: 10_000 });
      await waitFor('the route fault gone from the page', async () => (await routeFault.count()) === 0, 10_000);
      expect(await scopesOf('product-service')).toEqual(['edge:auth-service']);
      expect(await p.locator('[data-testid="fault-product-service-edge:auth-service"]').count()).toBe(1);
    } finally {
      await resetAll(stack);
      await phone.close();
    }
  });

  it('never sends the chaos token to the browser', async () => {
    const token = stack.token;
    expect(token.length).toBeGreaterThan(10);
    // What the browser received during the run: pages, scripts, styles, every API answer.
    await sleep(500);
    expect(received.length).toBeGreaterThan(20);
    const kinds = new Set(received.map((r) => new URL(r.url).pathname.split('/')[1]));
    expect(kinds).toContain('api');
    expect(kinds).toContain('assets');
    for (const r of received) expect(r.body.includes(token), `token in ${r.url}`).toBe(false);
    // And fetched apart: both pages and every asset they reference, and a stretch of the live log tail.
    for (const path of ['/', '/control']) {
      const html = await (await fetch(`${DASHBOARD}${path}`)).text();
      expect(html).not.toContain(token);
      for (const [, asset] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
        expect(await (await fetch(`${DASHBOARD}${asset}`)).text()).not.toContain(token);
      }
    }
    const stream = await fetch(`${DASHBOARD}/api/logs/stream`, { signal: AbortSignal.timeout(3000) });
    let streamed = '';
    try {
      for await (const chunk of stream.body!) streamed += Buffer.from(chunk).toString();
    } catch {
      // the 3 s are up
    }
    expect(streamed).toContain(': tail');
    expect(streamed).not.toContain(token);
  });

  it('serves a production bundle of at most 500 kB gzipped', () => {
    const { files, gzipTotal } = bundleSize(join(REPO, 'apps', 'dashboard', 'dist'));
    expect(files.some((f) => f.file.endsWith('.js'))).toBe(true);
    expect(gzipTotal).toBeGreaterThan(50_000);
    expect(gzipTotal).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
  });

  it('logged no browser console errors during the run', () => {
    expect(consoleErrors).toEqual([]);
  });
});
