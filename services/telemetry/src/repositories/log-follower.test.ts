import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../domain/log-query.ts';
import { LogFollower } from './log-follower.ts';

let dir: string;
let follower: LogFollower | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-follow-'));
});
afterEach(() => {
  follower?.close();
  rmSync(dir, { recursive: true, force: true });
});

const line = (service: string, n: number) =>
  `${JSON.stringify({ service, level: 'INFO', message: `m${n}`, timestamp: new Date().toISOString() })}\n`;

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe(LogFollower.name, () => {
  it('does deliver lines appended after subscribing, across a rotation, a new file and a split write', async () => {
    const path = join(dir, 'db-service.log');
    writeFileSync(path, line('db-service', 0));
    const errors: Error[] = [];
    follower = new LogFollower(dir, { pollMs: 20, onError: (e) => errors.push(e) });
    const seen: LogEntry[] = [];
    const unsubscribe = follower.subscribe((entry) => seen.push(entry));
    const messages = () => seen.map((e) => `${e.service}:${String(e.fields.message)}`);

    appendFileSync(path, line('db-service', 1));
    await until(() => seen.length === 1);
    // Written in two pieces: delivered once whole.
    const split = line('db-service', 2);
    appendFileSync(path, split.slice(0, 10));
    await sleep(60);
    appendFileSync(path, split.slice(10));
    // Rotation as the supervisor does it: a last line, rename to .1, a new file.
    appendFileSync(path, line('db-service', 3));
    renameSync(path, `${path}.1`);
    writeFileSync(path, line('db-service', 4));
    writeFileSync(join(dir, 'auth-service.log'), line('auth-service', 5));
    await until(() => seen.length === 5);
    expect(messages().sort()).toEqual(['auth-service:m5', 'db-service:m1', 'db-service:m2', 'db-service:m3', 'db-service:m4']);
    expect(errors).toEqual([]);

    unsubscribe();
    expect(follower.listenerCount).toBe(0);
    appendFileSync(path, line('db-service', 6));
    await sleep(80);
    expect(seen).toHaveLength(5);
  });
});
