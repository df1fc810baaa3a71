import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/test-stack.ts';

// Runs the README's commands verbatim (every ```bash block marked <!-- run -->, in order)
// against a stack on the canonical ports, from a folder whose .archaics/ is the stack's state.
const run = promisify(execFile);
const README = join(import.meta.dirname, '..', 'README.md');

function runnableBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const pattern = /<!-- run -->\n```bash\n([\s\S]*?)```/g;
  for (let m = pattern.exec(markdown); m; m = pattern.exec(markdown)) blocks.push(m[1] ?? '');
  return blocks;
}

let stack: TestStack;
let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'archaics-readme-'));
  stack = await startTestStack({ portOffset: 0, home: join(cwd, '.archaics') });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('README', () => {
  it("has the tour, the token line, the four walkthroughs beyond the seed and the seed's four marked runnable", () => {
    expect(runnableBlocks(readFileSync(README, 'utf8'))).toHaveLength(10);
  });

  it('runs the guided tour and the eight walkthroughs as written', async () => {
    const script = runnableBlocks(readFileSync(README, 'utf8')).join('\n');
    const { stdout } = await run('bash', ['-c', script], { cwd, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 });
    // Tour: products listed, cart filled, checkout simulated.
    expect(stdout).toMatch(/"id":"p1"/);
    expect(stdout).toMatch(/"product_id":"p1"[^}]*"quantity":2/);
    expect(stdout).toMatch(/"mode":"simulated"/);
    // Beyond the seed: gray latency answers 200 inside the deadline, slower by the fault's 240..360 ms.
    const gray = /products -> (\d{3}) in ([\d.]+)s/.exec(stdout);
    expect(gray?.[1]).toBe('200');
    expect(Number(gray?.[2])).toBeGreaterThanOrEqual(0.24);
    expect(Number(gray?.[2])).toBeLessThan(1);
    // Partition product → db: product 502 upstream_error, db itself reports no fault, product counts the attempts.
    expect(stdout).toMatch(/HTTP\/1\.1 502[\s\S]*"error":"upstream_error"[^}]*"upstream":"db-service"/i);
    expect(stdout).toMatch(/"service":"db-service"[^\n]*"failure":null,"failures":\[\]/);
    expect(stdout).toMatch(/upstream_requests_total\{[^}]*upstream="db-service",outcome="unreachable"[^}]*\} [1-9]/m);
    // One route: /cart/add 503 while /products answers.
    expect(stdout).toMatch(/cart\/add -> 503\nproducts -> 200/);
    // The leak: RSS grows by tens of MiB in 5 s, and /health counts what is held.
    const rss = [...stdout.matchAll(/db rss (\d+) MiB/g)].map((m) => Number(m[1]));
    expect(rss).toHaveLength(2);
    expect(rss[1]! - rss[0]!).toBeGreaterThanOrEqual(25);
    expect(stdout).toMatch(/"type":"leak"[^}]*"leaked_mib":(3\d|4\d)/);
    // Walkthroughs 1-3: the documented statuses.
    expect(stdout).toMatch(/HTTP\/1\.1 504[\s\S]*"error":"upstream_timeout"[^}]*"upstream":"db-service"/i);
    expect(stdout).toMatch(/HTTP\/1\.1 503[\s\S]*"error":"auth_unavailable"/i);
    expect(stdout).toMatch(/x-degraded: bad_data/i);
    // Walkthrough 4: ten answers, each 200 or 504/503.
    const loop = [...stdout.matchAll(/request \d+ -> \d{3}/g)].map((m) => m[0]);
    expect(loop).toHaveLength(10);
    for (const line of loop) expect(line).toMatch(/-> (200|503|504)$/);
  }, 150_000);
});
