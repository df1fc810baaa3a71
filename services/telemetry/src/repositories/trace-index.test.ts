import { describe, expect, it } from 'vitest';
import { NameCatalogue } from './name-catalogue.ts';
import { RowLog } from './row-log.ts';
import { TraceIndex } from './trace-index.ts';

describe(TraceIndex.name, () => {
  it('does find the rows of a trace, know its spans, and forget removed rows', () => {
    const index = new TraceIndex();
    index.add('t1', 'a', 1);
    index.add('t2', 'b', 2);
    index.add('t1', 'c', 3);
    expect(index.rowids('t1')).toEqual([1, 3]);
    expect(index.has('t1', 'c')).toBe(true);
    expect(index.has('t2', 'c')).toBe(false);
    expect(index.rowCount).toBe(3);
    index.remove('t1', 1);
    index.remove('t1', 99);
    expect(index.rowids('t1')).toEqual([3]);
    expect(index.has('t1', 'a')).toBe(false);
    index.remove('t1', 3);
    expect(index.rowids('t1')).toEqual([]);
    expect(index.size).toBe(1);
    expect(index.rowCount).toBe(1);
  });
});

describe(NameCatalogue.name, () => {
  it('does list services and operations with their kinds while spans of them are stored', () => {
    const names = new NameCatalogue();
    names.add('db-service', 'GET /products', 2);
    names.add('db-service', 'GET /products', 2);
    names.add('db-service', 'SELECT', 3);
    names.add('auth-service', 'GET /validate', 2);
    expect(names.services()).toEqual(['auth-service', 'db-service']);
    expect(names.operationsWithKind('db-service')).toEqual([
      { name: 'GET /products', spanKind: 'server' },
      { name: 'SELECT', spanKind: 'client' },
    ]);
    names.remove('db-service', 'GET /products', 2);
    expect(names.operations('db-service')).toEqual(['GET /products', 'SELECT']);
    names.remove('db-service', 'GET /products', 2);
    names.remove('auth-service', 'GET /validate', 2);
    expect(names.operations('db-service')).toEqual(['SELECT']);
    expect(names.services()).toEqual(['db-service']);
  });
});

describe(RowLog.name, () => {
  it('does give back the first written live rows, skipping those deleted by other means', () => {
    const log = new RowLog();
    const name = new NameCatalogue().add('db-service', 'GET /products', 2);
    for (let rowid = 1; rowid <= 6; rowid++) log.push({ rowid, traceId: `t${rowid}`, name, kind: 2 });
    log.markGone(2);
    log.markGone(3);
    expect(log.shift(2).map((row) => row.rowid)).toEqual([1, 4]);
    expect(log.shift(10).map((row) => row.rowid)).toEqual([5, 6]);
    expect(log.shift(1)).toEqual([]);
  });
});
