import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChaosToken, readSupervisorFile, resolveChaosToken } from './state-home.ts';

const homes: string[] = [];
const newHome = (): string => {
  const home = mkdtempSync(join(tmpdir(), 'archaics-home-'));
  homes.push(home);
  return home;
};
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe(readChaosToken.name, () => {
  it('takes CHAOS_TOKEN first, then the state folder, and never makes one', () => {
    const home = newHome();
    expect(readChaosToken({ CHAOS_TOKEN: ' env-token ' }, home)).toEqual({ value: 'env-token', source: 'CHAOS_TOKEN' });
    expect(readChaosToken({ CHAOS_TOKEN: '  ' }, home)).toBeNull();
    writeFileSync(join(home, 'chaos-token'), 'file-token\n');
    expect(readChaosToken({}, home)).toEqual({ value: 'file-token', source: join(home, 'chaos-token') });
    writeFileSync(join(home, 'chaos-token'), '\n');
    expect(readChaosToken({}, home)).toBeNull();
  });
});

describe(resolveChaosToken.name, () => {
  it('makes the state folder’s token (mode 0600) when there is none, and keeps it', () => {
    const home = newHome();
    const made = resolveChaosToken({}, home);
    expect(made).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(statSync(join(home, 'chaos-token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'chaos-token'), 'utf8').trim()).toBe(made);
    expect(resolveChaosToken({}, home)).toBe(made);
    expect(resolveChaosToken({ CHAOS_TOKEN: 'env' }, home)).toBe('env');
  });
});

describe(readSupervisorFile.name, () => {
  it('reads supervisor.json, and null for a missing or malformed one', () => {
    const home = newHome();
    expect(readSupervisorFile(home)).toBeNull();
    writeFileSync(join(home, 'supervisor.json'), '{"pid": "x"}');
    expect(readSupervisorFile(home)).toBeNull();
    const file = { pid: 7, control_url: 'http://127.0.0.1:7999', started_at: '2026-01-15T10:30:00.000Z', services: [] };
    writeFileSync(join(home, 'supervisor.json'), JSON.stringify(file));
    expect(readSupervisorFile(home)).toEqual(file);
  });
});
