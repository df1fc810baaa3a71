import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAnswer } from '../domain/idempotency.ts';
import { PaymentRepository, type SessionRecord } from './payment.repository.ts';

const session = (id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  session_id: id,
  user_id: 'u1',
  mode: 'simulated',
  status: 'complete',
  amount_total: 1999,
  currency: 'usd',
  url: `http://x/simulated-checkout/${id}`,
  items: [{ product_id: 'p2', name: 'Mouse', unit_amount: 1999, quantity: 1, amount: 1999 }],
  cart_cleared: false,
  created_at: '2026-01-01T00:00:00.000Z',
  completed_at: '2026-01-01T00:00:00.000Z',
  ...over,
});
const answer = (id: string): StoredAnswer => ({
  status: 201,
  body: { session_id: id, url: 'u', amount_total: 1999, currency: 'usd', mode: 'simulated' },
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(PaymentRepository.name, () => {
  it('stores a session with its idempotent answer and finds both', () => {
    const repo = PaymentRepository.open(':memory:');
    repo.saveSession(session('s1'), { userId: 'u1', key: 'k1', answer: answer('s1') });
    expect(repo.findSession('s1')).toEqual(session('s1'));
    expect(repo.findIdempotent('u1', 'k1')).toEqual(answer('s1'));
    expect(repo.findIdempotent('u2', 'k1')).toBeUndefined();
    repo.markCartCleared('s1');
    expect(repo.findSession('s1')?.cart_cleared).toBe(true);
  });

  it('forgets idempotency keys after 24 hours', () => {
    let now = 1_000_000;
    const repo = PaymentRepository.open(':memory:', () => now);
    repo.saveSession(session('s1'), { userId: 'u1', key: 'k1', answer: answer('s1') });
    now += 24 * 3600 * 1000 - 1;
    expect(repo.findIdempotent('u1', 'k1')).toBeDefined();
    now += 2;
    expect(repo.findIdempotent('u1', 'k1')).toBeUndefined();
  });

  it('completes a known session, and records an unknown one from the webhook', () => {
    const repo = PaymentRepository.open(':memory:', () => Date.parse('2026-02-02T00:00:00.000Z'));
    repo.saveSession(session('s1', { mode: 'stripe', status: 'open', completed_at: null }));
    repo.completeSession(session('s1'));
    expect(repo.findSession('s1')).toMatchObject({
      status: 'complete',
      cart_cleared: true,
      completed_at: '2026-02-02T00:00:00.000Z',
      mode: 'stripe',
    });
    repo.completeSession(session('s2', { mode: 'stripe', items: [] }));
    expect(repo.findSession('s2')).toMatchObject({ status: 'complete', cart_cleared: true, user_id: 'u1' });
  });

  it('keeps sessions and keys across a reopen, in a WAL database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payment-repo-'));
    dirs.push(dir);
    const path = join(dir, 'data', 'payment.sqlite');
    const first = PaymentRepository.open(path);
    first.saveSession(session('s1'), { userId: 'u1', key: 'k1', answer: answer('s1') });
    first.close();
    const second = PaymentRepository.open(path);
    expect(second.findIdempotent('u1', 'k1')).toEqual(answer('s1'));
    expect(second.findSession('s1')?.session_id).toBe('s1');
    second.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });
});
