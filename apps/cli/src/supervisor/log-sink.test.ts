import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempHomes, tempHome } from '../../test/fixtures/fake-stack.ts';
import { LogSink } from './log-sink.ts';

afterAll(removeTempHomes);

describe(LogSink.name, () => {
  it('appends lines and rotates by size, keeping the newest files', () => {
    const dir = tempHome('sink');
    const sink = new LogSink(join(dir, 'db-service.log'), { maxBytes: 100, keep: 2 });
    const lines = Array.from({ length: 20 }, (_, i) => `{"n":${String(i).padStart(2, '0')},"pad":"${'x'.repeat(20)}"}`); // 38 bytes with the newline: two fit in 100
    for (const line of lines) sink.append([line]);
    sink.close();
    expect(readdirSync(dir).sort()).toEqual(['db-service.log', 'db-service.log.1', 'db-service.log.2']);
    const read = (name: string): string[] => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);
    expect(read('db-service.log')).toEqual(lines.slice(18));
    expect(read('db-service.log.1')).toEqual(lines.slice(16, 18));
    expect(read('db-service.log.2')).toEqual(lines.slice(14, 16));
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(100);
  });

  it('rotates inside one batch and continues an existing file', () => {
    const dir = tempHome('sink');
    new LogSink(join(dir, 'a.log'), { maxBytes: 30 }).append(['{"first":1}']);
    const sink = new LogSink(join(dir, 'a.log'), { maxBytes: 30 });
    sink.append(['{"second":2}', '{"third":3}']);
    sink.close();
    expect(readFileSync(join(dir, 'a.log.1'), 'utf8')).toBe('{"first":1}\n{"second":2}\n');
    expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe('{"third":3}\n');
  });
});
