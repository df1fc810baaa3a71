import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLogQuery } from '../domain/log-query.ts';
import { linesBackward, logServices, readLogs } from './log-files.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function backward(text: string, chunk: number): Promise<string[]> {
  const path = join(dir, 'f.log');
  writeFileSync(path, text);
  const handle = await open(path, 'r');
  try {
    const lines: string[] = [];
    for await (const line of linesBackward(handle, (await handle.stat()).size, chunk)) lines.push(line);
    return lines;
  } finally {
    await handle.close();
  }
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 15, 10, 30, second)).toISOString();
const logLine = (service: string, second: number, level = 'INFO', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ service, level, message: `${service} line at ${second}`, timestamp: at(second), ...extra });

describe(linesBackward.name, () => {
  it('does give complete lines from last to first, whatever the chunk size, skipping an unfinished last line', async () => {
    const text = 'first\nsecond line\n\nthird é ü\nunfinish';
    for (const chunk of [1, 2, 3, 7, 64 * 1024]) {
      expect(await backward(text, chunk), `chunk ${chunk}`).toEqual(['third é ü', 'second line', 'first']);
    }
    expect(await backward('only\n', 4)).toEqual(['only']);
    expect(await backward('no newline at all', 4)).toEqual([]);
    expect(await backward('', 4)).toEqual([]);
  });
});

describe(readLogs.name, () => {
  it('does merge services newest first over current and rotated files, and filter', async () => {
    writeFileSync(join(dir, 'db-service.log.2'), `${logLine('db-service', 1)}\n${logLine('db-service', 2, 'WARN')}\n`);
    writeFileSync(
      join(dir, 'db-service.log.1'),
      `${logLine('db-service', 4)}\n${logLine('db-service', 6, 'ERROR', { trace_id: 'ab'.repeat(16) })}\n`,
    );
    writeFileSync(join(dir, 'db-service.log'), `${logLine('db-service', 8)}\nnot json\n${logLine('db-service', 9)}\n{"half":`);
    writeFileSync(join(dir, 'auth-service.log'), `${logLine('auth-service', 3, 'WARN')}\n${logLine('auth-service', 7)}\n`);
    writeFileSync(join(dir, 'notes.txt'), 'ignored\n');
    expect(await logServices(dir)).toEqual(['auth-service', 'db-service']);
    expect(await logServices(join(dir, 'missing'))).toEqual([]);

    const seconds = async (params: Record<string, string>) => {
      const { filter, limit } = parseLogQuery(params);
      return (await readLogs(dir, filter, limit)).map((entry) => `${entry.service}@${new Date(entry.timeMs!).getUTCSeconds()}`);
    };
    expect(await seconds({})).toEqual([
      'db-service@9',
      'db-service@8',
      'auth-service@7',
      'db-service@6',
      'db-service@4',
      'auth-service@3',
      'db-service@2',
      'db-service@1',
    ]);
    expect(await seconds({ limit: '3' })).toEqual(['db-service@9', 'db-service@8', 'auth-service@7']);
    expect(await seconds({ service: 'db-service', level: 'WARN,ERROR' })).toEqual(['db-service@6', 'db-service@2']);
    expect(await seconds({ level: 'WARN' })).toEqual(['auth-service@3', 'db-service@2']);
    expect(await seconds({ trace_id: 'AB'.repeat(16) })).toEqual(['db-service@6']);
    expect(await seconds({ since: at(4), until: at(8) })).toEqual(['db-service@8', 'auth-service@7', 'db-service@6', 'db-service@4']);
    expect(await seconds({ q: 'AUTH-SERVICE LINE' })).toEqual(['auth-service@7', 'auth-service@3']);
    expect(await seconds({ service: 'payment-service' })).toEqual([]);
  });
});
