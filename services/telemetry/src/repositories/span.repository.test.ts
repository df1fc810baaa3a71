import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../domain/span.ts';
import { openSpanDatabase } from './database.ts';
import { SpanRepository } from './span.repository.ts';

let dir: string;
let db: Database.Database | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archaics-spans-'));
});
afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_768_473_000_000_000;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Spans of `count` traces of `perTrace` spans each; span i starts i ms after T0; attributes of some weight. */
function spans(from: number, count: number, service = 'db-service'): SpanRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      parentSpanId: null,
      service,
      operation: i % 2 === 0 ? 'GET /products' : 'GET /cart/:user_id',
      kind: 2,
      startUs: T0 + i * 1000,
      durationUs: 1000 + (i % 7) * 100,
      statusCode: i % 10 === 0 ? 2 : 0,
      statusMessage: '',
      flags: 1,
      traceState: '',
      scopeName: '@archaics/server',
      scopeVersion: '0.1.0',
      attributes: [
        { key: 'http.request.method', type: 'string', value: 'GET' },
        { key: 'url.path', type: 'string', value: `/products/${'x'.repeat(200)}` },
        { key: 'http.response.status_code', type: 'int64', value: i % 10 === 0 ? 500 : 200 },
      ],
      events: [],
      links: [],
      resource: [
        { key: 'service.name', type: 'string', value: service },
        { key: 'service.version', type: 'string', value: '0.1.0' },
      ],
    };
  });
}

const fileBytes = (path: string): number =>
  ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(`${path}${suffix}`).size;
    } catch {
      return sum;
    }
  }, 0);

describe(SpanRepository.name, () => {
  it('does keep the newest spans and at most maxSpans of them, and the file stays bounded', async () => {
    const path = join(dir, 'telemetry.sqlite');
    db = openSpanDatabase(path);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    const maxSpans = 2000;
    const repository = new SpanRepository(db, { maxSpans, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    let written = 0;
    let sizeAfterFirstFill = 0;
    for (let round = 0; round < 10; round++) {
      for (let batch = 0; batch < 10; batch++) {
        repository.insert(spans(written, 200));
        written += 200;
        expect(repository.count()).toBeLessThanOrEqual(maxSpans);
      }
      repository.sweep();
      if (round === 0) sizeAfterFirstFill = fileBytes(path);
    }
    expect(written).toBe(20_000);
    expect(repository.count()).toBe(maxSpans);
    // Ten blocks of 200 spans: none partly deleted (the bound is a multiple of the block), none kept empty.
    expect(db.prepare('SELECT count(*) FROM span_blocks').pluck().get()).toBe(maxSpans / 200);
    // The newest survive: exactly the last maxSpans written.
    const query = { service: 'db-service', tags: {}, startUs: 0, endUs: T0 * 2, limit: 100_000 };
    const starts = (await repository.findTraces(query)).map(([span]) => span!.startUs);
    expect(starts).toHaveLength(maxSpans);
    expect(Math.min(...starts)).toBe(T0 + (written - maxSpans) * 1000);
    expect(repository.trace(hex(written, 32))).toHaveLength(1);
    expect(repository.trace(hex(written - maxSpans, 32))).toHaveLength(0);
    expect(repository.trace(hex(written - maxSpans + 1, 32))).toHaveLength(1);
    // Ten times the bound went through; the file is about as large as after the first fill.
    expect(fileBytes(path)).toBeLessThan(sizeAfterFirstFill * 1.5);
  });

  it('does delete spans past the retention age, on the timer sweep and on the write path', () => {
    db = openSpanDatabase(':memory:');
    let nowMs = T0 / 1000 + 5000;
    const repository = new SpanRepository(db, { maxSpans: 100_000, retentionS: 3, now: () => nowMs, ageCheckEvery: 50 });
    repository.insert(spans(0, 10));
    // Spans 0..9 started 5.000..4.991 s before now: past 3 s.
    expect(repository.sweep()).toEqual({ byAge: 10, bySize: 0 });
    expect(repository.count()).toBe(0);
    nowMs = T0 / 1000 + 100;
    repository.insert(spans(0, 40));
    expect(repository.count()).toBe(40);
    nowMs = T0 / 1000 + 100_000;
    // The 50th written span triggers an age check: the 40 old ones go, the 10 new ones too (all older than 3 s).
    repository.insert(spans(100, 10));
    expect(repository.count()).toBe(0);
  });

  it('does ignore a span sent twice', () => {
    db = openSpanDatabase(':memory:');
    const repository = new SpanRepository(db, { maxSpans: 100, retentionS: 86_400, now: () => T0 / 1000 });
    expect(repository.insert(spans(0, 5))).toBe(5);
    expect(repository.insert(spans(3, 5))).toBe(3);
    expect(repository.count()).toBe(8);
  });

  it('does list services and operations, sorted', () => {
    db = openSpanDatabase(':memory:');
    const repository = new SpanRepository(db, { maxSpans: 1000, retentionS: 86_400, now: () => T0 / 1000 });
    repository.insert([...spans(0, 4, 'product-service'), ...spans(10, 3, 'auth-service')]);
    expect(repository.services()).toEqual(['auth-service', 'product-service']);
    expect(repository.operations('product-service')).toEqual(['GET /cart/:user_id', 'GET /products']);
    expect(repository.operations('nobody')).toEqual([]);
    expect(repository.operationsWithKind('auth-service', 'server')).toEqual([
      { name: 'GET /cart/:user_id', spanKind: 'server' },
      { name: 'GET /products', spanKind: 'server' },
    ]);
    expect(repository.operationsWithKind('auth-service', 'client')).toEqual([]);
  });

  it('does rebuild its trace index and names from the file when reopened, after deletions', () => {
    const path = join(dir, 'telemetry.sqlite');
    db = openSpanDatabase(path);
    let repository = new SpanRepository(db, { maxSpans: 50, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    repository.insert([...spans(0, 40, 'auth-service'), ...spans(40, 40, 'db-service')]);
    // The first 30 written (all auth-service's first 30) went.
    expect(repository.count()).toBe(50);
    expect(repository.trace(hex(1, 32))).toEqual([]);
    expect(repository.trace(hex(80, 32))[0]).toMatchObject({ service: 'db-service', spanId: hex(80, 16) });
    db.close();
    db = openSpanDatabase(path);
    repository = new SpanRepository(db, { maxSpans: 50, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    expect(repository.count()).toBe(50);
    expect(repository.services()).toEqual(['auth-service', 'db-service']);
    expect(repository.trace(hex(35, 32))).toEqual(spans(34, 1, 'auth-service'));
    // A span sent again after the restart is still known.
    expect(repository.insert(spans(70, 5, 'db-service'))).toBe(0);
    repository.insert(spans(100, 50, 'db-service'));
    expect(repository.services()).toEqual(['db-service']);
  });

  it('does delete and count the rows it cannot read when it opens, and keeps the rest', () => {
    db = openSpanDatabase(':memory:');
    let repository = new SpanRepository(db, { maxSpans: 100, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    repository.insert(spans(0, 3));
    db.prepare('INSERT INTO span_blocks (format, body) VALUES (?, ?)').run(99, Buffer.from('a format of another version'));
    db.prepare('INSERT INTO span_blocks (format, body) VALUES (?, ?)').run(1, Buffer.from([0x0a, 0xff, 0xff]));
    repository = new SpanRepository(db, { maxSpans: 100, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    expect(repository.stats()).toMatchObject({ unreadable: 2, blocks: 1, written: 0, traces: 3 });
    expect(db.prepare('SELECT count(*) FROM span_blocks').pluck().get()).toBe(1);
    expect(repository.trace(hex(2, 32))).toEqual(spans(1, 1));
  });

  it('does move the span rows of a file written before blocks into blocks, and answers from them', async () => {
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    old.exec(`CREATE TABLE spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, service TEXT NOT NULL, operation TEXT NOT NULL,
      kind INTEGER NOT NULL, start_us INTEGER NOT NULL, duration_us INTEGER NOT NULL, status_code INTEGER NOT NULL, status_message TEXT NOT NULL,
      flags INTEGER NOT NULL, trace_state TEXT NOT NULL, scope_name TEXT NOT NULL, scope_version TEXT NOT NULL, attributes TEXT NOT NULL,
      events TEXT NOT NULL, links TEXT NOT NULL, resource_attributes TEXT NOT NULL);
      CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);`);
    const written = spans(7, 1030);
    const insert = old.prepare("INSERT INTO spans VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, '', 1, '', ?, ?, ?, '[]', '[]', ?)");
    written.forEach((span, i) =>
      insert.run(
        span.traceId,
        span.spanId,
        span.service,
        span.operation,
        span.kind,
        span.startUs,
        span.durationUs,
        span.statusCode,
        span.scopeName,
        span.scopeVersion,
        // Tags as {key, type, value} objects (files of version 0) and as compact lists (version 1).
        i % 2 === 0 ? JSON.stringify(span.attributes) : JSON.stringify(span.attributes.map((t) => [t.key, t.value])),
        JSON.stringify(span.resource),
      ),
    );
    old.close();
    db = openSpanDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'spans'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM span_blocks').pluck().get()).toBe(2);
    const repository = new SpanRepository(db, { maxSpans: 10_000, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000 });
    expect(repository.count()).toBe(1030);
    expect(repository.trace(written[0]!.traceId)).toEqual([written[0]]);
    expect(repository.trace(written[1029]!.traceId)).toEqual([written[1029]]);
    const query = { service: 'db-service', startUs: 0, endUs: T0 * 2, limit: 3 };
    expect(await repository.findTraces({ ...query, tags: { 'http.response.status_code': '200' } })).toEqual([
      [written[1029]],
      [written[1028]],
      [written[1027]],
    ]);
    expect(await repository.findTraces({ ...query, tags: { 'service.version': '0.1.0' } })).toHaveLength(3);
    expect((await repository.findTraces({ ...query, tags: { 'http.response.status_code': '500' } })).map(([s]) => s!.spanId)).toEqual(
      written
        .filter((s) => s.statusCode === 2)
        .slice(-3)
        .reverse()
        .map((s) => s.spanId),
    );
  });
});

describe('SpanRepository search', () => {
  it('does find what a scan of every stored span finds: newest first by latest matching span, limited (property)', async () => {
    const SERVICES = ['auth-service', 'db-service'];
    const OPERATIONS = ['GET /products', 'GET /validate'];
    const spanArb = fc.record({
      trace: fc.integer({ min: 1, max: 40 }),
      service: fc.constantFrom(...SERVICES),
      operation: fc.constantFrom(...OPERATIONS),
      durationUs: fc.integer({ min: 1, max: 5000 }),
      error: fc.boolean(),
      // How long before its neighbours in write order a span started (batches of different services overlap).
      lag: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 })),
    });
    const queryArb = fc.record({
      service: fc.constantFrom(...SERVICES),
      operation: fc.option(fc.constantFrom(...OPERATIONS), { nil: undefined }),
      from: fc.integer({ min: 0, max: 3000 }),
      width: fc.integer({ min: 0, max: 5000 }),
      minDurationUs: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      error: fc.boolean(),
      limit: fc.integer({ min: 1, max: 15 }),
      yieldEveryBlock: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(spanArb, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 20, max: 400 }),
        queryArb,
        async (blocks, maxSpans, q) => {
          const database = openSpanDatabase(':memory:');
          try {
            const repository = new SpanRepository(database, {
              maxSpans,
              retentionS: 10 * 365 * 86_400,
              now: () => T0 / 1000,
              searchSliceMs: q.yieldEveryBlock ? 0 : 10,
            });
            // Start times are distinct (no ties in the order), and grow with write order, some much later: blocks overlap.
            let n = 0;
            const written = blocks.map((block) =>
              block.map((s): SpanRecord => {
                n++;
                return {
                  ...spans(0, 1, s.service)[0]!,
                  traceId: hex(s.trace, 32),
                  spanId: hex(n, 16),
                  operation: s.operation,
                  startUs: T0 + (n * 10 + s.lag) * 1000 + n,
                  durationUs: s.durationUs,
                  statusCode: s.error ? 2 : 0,
                };
              }),
            );
            for (const block of written) repository.insert(block);
            // What is stored: the last maxSpans written (span ids are unique).
            const stored = written.flat().slice(-maxSpans);
            expect(repository.count()).toBe(stored.length);
            const query = {
              service: q.service,
              operation: q.operation,
              tags: (q.error ? { error: 'true' } : {}) as Record<string, string>,
              startUs: T0 + q.from * 1000,
              endUs: T0 + (q.from + q.width) * 1000,
              minDurationUs: q.minDurationUs,
              limit: q.limit,
            };
            const latest = new Map<string, number>();
            for (const s of stored) {
              const match =
                s.service === query.service &&
                (!query.operation || s.operation === query.operation) &&
                s.startUs >= query.startUs &&
                s.startUs <= query.endUs &&
                (query.minDurationUs === undefined || s.durationUs >= query.minDurationUs) &&
                (!q.error || s.statusCode === 2);
              if (match) latest.set(s.traceId, Math.max(latest.get(s.traceId) ?? -Infinity, s.startUs));
            }
            const expected = [...latest.entries()]
              .sort((a, b) => b[1] - a[1])
              .slice(0, q.limit)
              .map(([id]) => id);
            const found = await repository.findTraces(query);
            expect(found.map((t) => t[0]!.traceId)).toEqual(expected);
            // Whole traces: every stored span of each, by start.
            for (const t of found) {
              const all = stored.filter((s) => s.traceId === t[0]!.traceId).sort((a, b) => a.startUs - b.startUs);
              expect(t).toEqual(all);
            }
          } finally {
            database.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SpanRepository search while spans arrive', () => {
  it('does give the event loop back during a long search, and answers from what is stored when it ends', async () => {
    db = openSpanDatabase(':memory:');
    const repository = new SpanRepository(db, { maxSpans: 3000, retentionS: 10 * 365 * 86_400, now: () => T0 / 1000, searchSliceMs: 0 });
    for (let b = 0; b < 30; b++) repository.insert(spans(b * 100, 100));
    // Reads every block (no span has this tag); meanwhile new blocks push the oldest out of the bound.
    const search = repository.findTraces({ service: 'db-service', tags: { 'url.path': 'nowhere' }, startUs: 0, endUs: T0 * 2, limit: 5 });
    let turns = 0;
    const arriving = (async () => {
      for (let b = 30; b < 45; b++) {
        await new Promise((r) => setImmediate(r));
        turns++;
        repository.insert(spans(b * 100, 100));
      }
    })();
    expect(await search).toEqual([]);
    const turnsDuringSearch = turns;
    await arriving;
    expect(turnsDuringSearch).toBeGreaterThan(5);
    expect(turns).toBe(15);
    expect(repository.count()).toBe(3000);
    // A search that finds: the newest, from blocks written while the last search ran.
    const newest = await repository.findTraces({ service: 'db-service', tags: {}, startUs: 0, endUs: T0 * 2, limit: 2 });
    expect(newest.map(([span]) => span!.traceId)).toEqual([hex(4500, 32), hex(4499, 32)]);
  });
});
