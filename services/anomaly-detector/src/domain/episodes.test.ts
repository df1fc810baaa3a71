import type { BusinessService } from '@archaics/contracts';
import { describe, expect, it } from 'vitest';
import { EpisodeTracker, type Verdict } from './episodes.ts';

const t = (s: number): Date => new Date(Date.UTC(2026, 10, 28, 10, 0, s));
type Row = Partial<Record<BusinessService, Verdict>>;
const verdicts = (row: Row) =>
  new Map(
    Object.entries(row).map(([service, verdict]) => [service as BusinessService, { verdict, score: verdict === 'anomalous' ? 0.8 : 0.4 }]),
  );

function run(tracker: EpisodeTracker, rows: Row[]) {
  return rows.map((row, i) => tracker.observe(t(2 * i), verdicts(row)));
}

describe(EpisodeTracker.name, () => {
  it('opens after CONSECUTIVE anomalous intervals in a row, not before', () => {
    const tracker = new EpisodeTracker({ consecutive: 2, clearIntervals: 3 });
    const out = run(tracker, [
      { 'db-service': 'anomalous' },
      { 'db-service': 'normal' },
      { 'db-service': 'anomalous' },
      { 'db-service': 'anomalous' },
    ]);
    expect(out.map((o) => Boolean(o.opened))).toEqual([false, false, false, true]);
    expect(out[3]!.opened!.services).toEqual(['db-service']);
    expect(out[3]!.opened!.firstAnomalousAt).toEqual(t(4));
  });

  it('makes one episode of a cascade: services that follow join the open one', () => {
    const tracker = new EpisodeTracker({ consecutive: 2, clearIntervals: 2 });
    const out = run(tracker, [
      { 'db-service': 'anomalous', 'product-service': 'normal' },
      { 'db-service': 'anomalous', 'product-service': 'anomalous' },
      { 'db-service': 'anomalous', 'product-service': 'anomalous' },
      { 'db-service': 'anomalous', 'product-service': 'anomalous' },
    ]);
    expect(out.filter((o) => o.opened)).toHaveLength(1);
    // product was over the threshold when db's streak opened the episode: it is named at once.
    expect(out[1]!.opened!.services.sort()).toEqual(['db-service', 'product-service']);
    expect(tracker.current!.services.sort()).toEqual(['db-service', 'product-service']);
  });

  it('adds services that turn anomalous later as joiners', () => {
    const tracker = new EpisodeTracker({ consecutive: 2, clearIntervals: 2 });
    const out = run(tracker, [
      { 'db-service': 'anomalous', 'payment-service': 'normal' },
      { 'db-service': 'anomalous', 'payment-service': 'normal' },
    ]);
    expect(out[1]!.opened!.services).toEqual(['db-service']);
    const later = run(tracker, [
      { 'db-service': 'anomalous', 'payment-service': 'anomalous' },
      { 'db-service': 'anomalous', 'payment-service': 'anomalous' },
    ]);
    expect(later[1]!.joined).toEqual(['payment-service']);
    expect(tracker.current!.services).toEqual(['db-service', 'payment-service']);
  });

  it('closes after CLEAR_INTERVALS quiet intervals and then opens a new one for a new fault', () => {
    const tracker = new EpisodeTracker({ consecutive: 1, clearIntervals: 2 });
    const out = run(tracker, [
      { 'auth-service': 'anomalous' },
      { 'auth-service': 'normal' },
      { 'auth-service': 'anomalous' },
      { 'auth-service': 'normal' },
      { 'auth-service': 'normal' },
      { 'auth-service': 'anomalous' },
    ]);
    expect(out.map((o) => (o.opened ? 'open' : o.closed ? 'close' : '-'))).toEqual(['open', '-', '-', '-', 'close', 'open']);
    expect(out[0]!.opened!.id).not.toBe(out[5]!.opened!.id);
    expect(out[4]!.closed!.closedAt).toEqual(t(8));
  });

  it('neither extends nor breaks a streak with an unknown interval (a restart without a window)', () => {
    const tracker = new EpisodeTracker({ consecutive: 2, clearIntervals: 2 });
    const out = run(tracker, [{ 'product-service': 'anomalous' }, { 'product-service': 'unknown' }, { 'product-service': 'anomalous' }]);
    expect(out.map((o) => Boolean(o.opened))).toEqual([false, false, true]);
  });

  it('opens at once on a critical interval (a restart), without waiting for CONSECUTIVE', () => {
    const tracker = new EpisodeTracker({ consecutive: 2, clearIntervals: 2 });
    const [first] = run(tracker, [{ 'product-service': 'critical', 'db-service': 'normal' }]);
    expect(first!.opened!.services).toEqual(['product-service']);
  });

  it('forgets everything on reset', () => {
    const tracker = new EpisodeTracker({ consecutive: 1, clearIntervals: 2 });
    run(tracker, [{ 'db-service': 'anomalous' }]);
    expect(tracker.reset()).not.toBeNull();
    expect(tracker.current).toBeNull();
  });

  it('refuses nonsense settings', () => {
    expect(() => new EpisodeTracker({ consecutive: 0, clearIntervals: 1 })).toThrow(/consecutive/);
    expect(() => new EpisodeTracker({ consecutive: 1, clearIntervals: 1.5 })).toThrow(/clearIntervals/);
  });
});
