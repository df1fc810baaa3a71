import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.ts';

describe(KeyedLock.name, () => {
  it('runs tasks of one key one after the other, in arrival order', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([lock.run('k', task('a', 30)), lock.run('k', task('b', 5)), lock.run('k', task('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(lock.size).toBe(0);
  });

  it('runs tasks of different keys concurrently', async () => {
    const lock = new KeyedLock();
    let running = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++running);
      await sleep(10);
      running--;
    };
    await Promise.all([lock.run('a', task), lock.run('b', task), lock.run('c', task)]);
    expect(most).toBe(3);
  });

  it('lets the next task run after one fails', async () => {
    const lock = new KeyedLock();
    const failing = lock.run('k', async () => {
      throw new Error('boom');
    });
    const next = lock.run('k', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(lock.size).toBe(0);
  });
});
