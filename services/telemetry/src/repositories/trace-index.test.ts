import { describe, expect, it } from 'vitest';
import { NameCatalogue } from './name-catalogue.ts';
import { TraceIndex, type SpanEntry, type StoredBlock } from './trace-index.ts';

describe(TraceIndex.name, () => {
  it('does find the spans of a trace, know them, share one id string per trace, and forget removed spans', () => {
    const index = new TraceIndex();
    const names = new NameCatalogue();
    const block: StoredBlock = { id: 1, entries: [], live: 0, head: 0, minStartUs: 0, maxStartUs: 0, services: new Set() };
    const entry = (traceId: string, spanId: string, pos: number): SpanEntry => ({
      block,
      pos,
      traceId: index.key(traceId),
      spanId,
      name: names.add('db-service', 'GET /products', 2),
      kind: 2,
      startUs: pos,
      live: true,
    });
    const a = entry('t1', 'a', 0);
    index.add(a);
    index.add(entry('t2', 'b', 1));
    const c = entry(['t', '1'].join(''), 'c', 2);
    index.add(c);
    expect(c.traceId).toBe(a.traceId);
    expect(index.entries('t1').map((e) => e.spanId)).toEqual(['a', 'c']);
    expect(index.has('t1', 'c')).toBe(true);
    expect(index.has('t2', 'c')).toBe(false);
    expect(index.count).toBe(3);
    index.remove(a);
    index.remove(a);
    expect(index.entries('t1').map((e) => e.spanId)).toEqual(['c']);
    expect(index.has('t1', 'a')).toBe(false);
    index.remove(c);
    expect(index.entries('t1')).toEqual([]);
    expect(index.size).toBe(1);
    expect(index.count).toBe(1);
  });
});

describe(NameCatalogue.name, () => {
  it('does list services and operations with their kinds while spans of them are stored', () => {
    const names = new NameCatalogue();
    const products = names.add('db-service', 'GET /products', 2);
    names.add('db-service', 'GET /products', 2);
    names.add('db-service', 'SELECT', 3);
    const validate = names.add('auth-service', 'GET /validate', 2);
    expect(names.services()).toEqual(['auth-service', 'db-service']);
    expect(names.spansByService()).toEqual(
      new Map([
        ['db-service', 3],
        ['auth-service', 1],
      ]),
    );
    expect(names.operationsWithKind('db-service')).toEqual([
      { name: 'GET /products', spanKind: 'server' },
      { name: 'SELECT', spanKind: 'client' },
    ]);
    names.removeSpan(products, 2);
    expect(names.operations('db-service')).toEqual(['GET /products', 'SELECT']);
    names.removeSpan(products, 2);
    names.removeSpan(validate, 2);
    expect(names.operations('db-service')).toEqual(['SELECT']);
    expect(names.services()).toEqual(['db-service']);
  });
});
