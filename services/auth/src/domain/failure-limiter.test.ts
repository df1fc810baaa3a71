import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/test-app.ts';
import { FailureLimiter } from './failure-limiter.ts';

describe(FailureLimiter.name, () => {
  it('limits a key after max failures within the window and says when to retry', () => {
    const clock = new FakeClock();
    const limiter = new FailureLimiter({ max: 3, windowMs: 60_000, now: clock.now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('k')).toEqual({ limited: false });
      limiter.add('k');
      clock.advance(10);
    }
    // failures at t=0, 10, 20; now t=30: the first one leaves the window at t=60.
    expect(limiter.check('k')).toEqual({ limited: true, retryAfterS: 30 });
    expect(limiter.check('other')).toEqual({ limited: false });
    clock.advance(30);
    expect(limiter.check('k')).toEqual({ limited: false });
  });

  it('forgets a key on clear', () => {
    const limiter = new FailureLimiter({ max: 1, windowMs: 60_000 });
    limiter.add('k');
    expect(limiter.check('k').limited).toBe(true);
    limiter.clear('k');
    expect(limiter.check('k').limited).toBe(false);
  });

  it('never holds more than maxKeys keys, evicting the stalest first', () => {
    const clock = new FakeClock();
    const limiter = new FailureLimiter({ max: 1, windowMs: 60_000, maxKeys: 100, now: clock.now });
    for (let i = 0; i < 1000; i++) limiter.add(`k${i}`);
    expect(limiter.size).toBe(100);
    expect(limiter.check('k999').limited).toBe(true);
    expect(limiter.check('k0').limited).toBe(false);
  });

  it('drops expired keys as new ones arrive', () => {
    const clock = new FakeClock();
    const limiter = new FailureLimiter({ max: 5, windowMs: 1_000, now: clock.now });
    for (let i = 0; i < 50; i++) limiter.add(`k${i}`);
    clock.advance(2);
    limiter.add('fresh');
    expect(limiter.size).toBe(1);
  });
});
