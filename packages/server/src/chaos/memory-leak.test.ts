import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MEBIBYTE, MemoryLeak } from './memory-leak.ts';

const leaks: MemoryLeak[] = [];

function leak(capMiB: number): MemoryLeak {
  const created = new MemoryLeak(capMiB * MEBIBYTE);
  leaks.push(created);
  return created;
}

afterEach(() => {
  for (const created of leaks.splice(0)) created.stop();
});

describe(MemoryLeak.name, () => {
  it('holds about intensity MiB more every second', async () => {
    const growing = leak(512);
    growing.start(4);
    await sleep(1100);
    // 1 MiB every 250 ms: four or five steps in 1.1 s on a busy machine, never more.
    expect(growing.heldBytes).toBeGreaterThanOrEqual(3 * MEBIBYTE);
    expect(growing.heldBytes).toBeLessThanOrEqual(5 * MEBIBYTE);
  });

  it('stops growing at the cap', async () => {
    const capped = leak(3);
    capped.start(8);
    await sleep(900);
    expect(capped.heldBytes).toBe(3 * MEBIBYTE);
    await sleep(400);
    expect(capped.heldBytes).toBe(3 * MEBIBYTE);
  });

  it('lets go of everything on stop and grows no more', async () => {
    const stopped = leak(512);
    stopped.start(8);
    await sleep(600);
    expect(stopped.heldBytes).toBeGreaterThan(0);
    stopped.stop();
    expect(stopped.heldBytes).toBe(0);
    await sleep(400);
    expect(stopped.heldBytes).toBe(0);
  });

  it('keeps what it holds when the rate changes', async () => {
    const changed = leak(512);
    changed.start(4);
    await sleep(600);
    const held = changed.heldBytes;
    expect(held).toBeGreaterThan(0);
    changed.start(1);
    expect(changed.heldBytes).toBe(held);
    await sleep(600);
    expect(changed.heldBytes).toBeGreaterThan(held);
  });

  it('grows the resident set with written pages and gives them back on stop', async () => {
    const rss = (): number => process.memoryUsage.rss();
    const before = rss();
    const real = leak(48);
    real.start(80);
    await sleep(1000);
    const grown = rss() - before;
    real.stop();
    await sleep(300);
    const after = rss() - before;
    expect(grown).toBeGreaterThanOrEqual(40 * MEBIBYTE);
    expect(after).toBeLessThan(grown - 30 * MEBIBYTE);
  });
});
