import { describe, expect, it } from 'vitest';
import type { LoadProfile } from './scenario-definition.ts';
import { applyOverrides } from './overrides.ts';

const constant: LoadProfile = { executor: 'constant-vus', vus: 10, duration: '30s' };
const ramping: LoadProfile = {
  executor: 'ramping-vus',
  startVUs: 0,
  stages: [
    { duration: '5s', target: 50 },
    { duration: '30s', target: 50 },
    { duration: '10s', target: 0 },
  ],
};
const arrival: LoadProfile = {
  executor: 'constant-arrival-rate',
  rate: 50,
  timeUnit: '1s',
  duration: '30s',
  preAllocatedVUs: 10,
  maxVUs: 100,
};

describe(applyOverrides.name, () => {
  it('changes the VUs and duration of a constant-vus profile', () => {
    expect(applyOverrides(constant, { vus: 3, duration: '5s' })).toEqual({ executor: 'constant-vus', vus: 3, duration: '5s' });
  });

  it('stretches ramping stages to a duration and scales them to a peak', () => {
    expect(applyOverrides(ramping, { duration: '9s', vus: 10 })).toEqual({
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '1s', target: 10 },
        { duration: '6s', target: 10 },
        { duration: '2s', target: 0 },
      ],
    });
  });

  it('switches a closed model to constant-arrival-rate when given a rate', () => {
    expect(applyOverrides(constant, { rate: 500, duration: '20s' })).toEqual({
      executor: 'constant-arrival-rate',
      rate: 500,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 10,
      maxVUs: 10,
    });
    expect(applyOverrides(ramping, { executor: 'constant-arrival-rate', rate: 100, vus: 40 })).toMatchObject({
      duration: '45s',
      preAllocatedVUs: 40,
      maxVUs: 40,
    });
  });

  it('uses --vus as the VU pool of an open model, and keeps its rate otherwise', () => {
    expect(applyOverrides(arrival, { vus: 20 })).toMatchObject({ rate: 50, preAllocatedVUs: 20, maxVUs: 20 });
    expect(applyOverrides(arrival, { rate: 500 })).toMatchObject({ rate: 500, preAllocatedVUs: 10, maxVUs: 100 });
  });

  it('converts an open model to constant-vus and keeps a graceful stop', () => {
    expect(applyOverrides(arrival, { executor: 'constant-vus', gracefulStop: '5s' })).toEqual({
      executor: 'constant-vus',
      vus: 10,
      duration: '30s',
      gracefulStop: '5s',
    });
  });

  it('refuses what cannot be done', () => {
    expect(() => applyOverrides(constant, { executor: 'constant-vus', rate: 5 })).toThrow('--rate needs an arrival-rate executor');
    expect(() => applyOverrides(constant, { executor: 'ramping-arrival-rate' })).toThrow(
      'cannot switch constant-vus to ramping-arrival-rate',
    );
    expect(() => applyOverrides(constant, { executor: 'constant-arrival-rate' })).toThrow('needs --rate');
    expect(() => applyOverrides(constant, { vus: 20_000 })).toThrow('load.vus must be an integer in 1..10000');
    expect(() => applyOverrides(constant, { duration: 'soon' })).toThrow('not a duration');
  });
});
