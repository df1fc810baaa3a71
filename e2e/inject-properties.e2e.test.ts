import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EDGE_ONLY_FAULT_TYPES,
  ERROR_STATUSES,
  FAULT_LIMITS,
  FAULT_ROUTES,
  FAULT_TYPES,
  PROCESS_FAULT_TYPES,
  faultTargetsFor,
  faultTypesFor,
  scopeLabel,
  type BusinessService,
} from '@archaics/contracts';
import { BUSINESS_SERVICES, call, resetAll, startTestStack, type TestStack } from './support/test-stack.ts';

// Property: whatever parameters POST /inject-failure gets, every service answers 200 or a 400
// naming a parameter, never a 5xx, and a refused injection installs nothing.
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ portOffset: 17_000 });
}, 90_000);
afterAll(async () => stack?.stop());

const PARAMS = ['type', 'intensity', 'probability', 'duration', 'ms', 'jitter', 'status', 'route', 'target'] as const;
type Param = (typeof PARAMS)[number];
type Query = Array<[Param, string]>;

/** Strings no parameter takes: numbers in other spellings, whitespace, non-ASCII digits, injections. */
const garbage = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '1e0',
    '0x5',
    'NaN',
    'Infinity',
    '-0',
    '+1',
    '1.',
    '05',
    ' 5',
    '5 ',
    '١',
    '½',
    'null',
    '[]',
    '../',
    "' OR 1=1",
    '%00',
  ),
  fc.string({ maxLength: 12 }),
);
/** Any integer or decimal in and around every range. */
const number = fc.oneof(fc.integer({ min: -5, max: 40_000 }).map(String), fc.double({ min: -2, max: 100_000, noNaN: true }).map(String));
const routes = [...new Set(Object.values(FAULT_ROUTES).flat())];
const targets = [...BUSINESS_SERVICES, 'db', 'auth', 'anomaly-detector'];

/** One value per parameter: valid for some service, out of range, or garbage. A valid crash is never sent. */
const VALUES: Record<Param, fc.Arbitrary<string>> = {
  type: fc.oneof(fc.constantFrom(...FAULT_TYPES.filter((t) => t !== 'crash')), fc.constantFrom('CPU', 'latency ', 'meltdown'), garbage),
  intensity: fc.oneof(fc.integer({ min: -2, max: 12 }).map(String), number, garbage),
  probability: fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }).map(String), fc.constantFrom('0', '1', '0.5'), garbage),
  duration: fc.oneof(fc.constantFrom('0', '0.5', '30', '86400', '86401'), number, garbage),
  ms: fc.oneof(fc.constantFrom('0', '1', '200', '30000', '30001'), number, garbage),
  jitter: fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }).map(String), garbage),
  status: fc.oneof(fc.constantFrom(...ERROR_STATUSES.map(String), '404', '200', '504'), garbage),
  route: fc.oneof(fc.constantFrom(...routes, '/nope', '/products/', 'products'), garbage),
  target: fc.oneof(fc.constantFrom(...targets), garbage),
};

const anyQuery: fc.Arbitrary<Query> = fc
  .tuple(
    fc.option(VALUES.type, { nil: undefined, freq: 1 }),
    fc
      .subarray(PARAMS.filter((p) => p !== 'type'))
      .chain((names) => fc.tuple(...names.map((name) => VALUES[name].map((v) => [name, v] as [Param, string])))),
  )
  .map(([type, rest]) => (type === undefined ? rest : [['type', type] as [Param, string], ...rest]));

/** A well-formed injection for `service`: a type it takes (never crash) with only parameters that apply to it. */
const validQuery = fc.constantFrom(...BUSINESS_SERVICES).chain((service) =>
  fc.constantFrom(...faultTypesFor(service).filter((t) => t !== 'crash')).chain((type) => {
    const wholeProcess = PROCESS_FAULT_TYPES.includes(type);
    const edgeOnly = EDGE_ONLY_FAULT_TYPES.includes(type);
    const targets = faultTargetsFor(service);
    const scope: fc.Arbitrary<Query> = wholeProcess
      ? fc.constant<Query>([])
      : edgeOnly
        ? fc.constantFrom(...targets).map((t): Query => [['target', t]])
        : fc.oneof(
            fc.constant<Query>([]),
            fc.constantFrom(...FAULT_ROUTES[service]).map((r): Query => [['route', r]]),
            ...(targets.length > 0 ? [fc.constantFrom(...targets).map((t): Query => [['target', t]])] : []),
          );
    const optional = (name: Param, value: fc.Arbitrary<string>): fc.Arbitrary<Query> =>
      fc.option(
        value.map((v): Query => [[name, v]]),
        { nil: [] as Query },
      );
    return fc
      .tuple(
        optional('intensity', fc.integer({ min: 1, max: 10 }).map(String)),
        optional('probability', fc.constantFrom('0', '0.25', '1')),
        optional('duration', fc.constantFrom('1', '30', '86400')),
        type === 'latency' ? optional('ms', fc.integer({ min: 1, max: 30_000 }).map(String)) : fc.constant<Query>([]),
        type === 'latency' ? optional('jitter', fc.constantFrom('0', '0.5', '1')) : fc.constant<Query>([]),
        type === 'error' ? optional('status', fc.constantFrom(...ERROR_STATUSES.map(String))) : fc.constant<Query>([]),
        scope,
      )
      .map((parts) => ({ service, query: [['type', type], ...parts.flat()] as Query }));
  }),
);

/** A well-formed injection with one parameter set to any value, or a query of any parameters: mostly refusals, some acceptances. */
const anyCase: fc.Arbitrary<{ service: BusinessService; query: Query }> = fc
  .oneof(
    validQuery,
    fc
      .tuple(
        validQuery,
        fc.constantFrom(...PARAMS).chain((name) => VALUES[name].map((value) => [name, value] as [Param, string])),
      )
      .map(([{ service, query }, [name, value]]) => ({ service, query: [...query.filter(([n]) => n !== name), [name, value]] as Query })),
    fc.tuple(fc.constantFrom(...BUSINESS_SERVICES), anyQuery).map(([service, query]) => ({ service, query })),
    // A parameter given twice.
    fc
      .tuple(
        validQuery,
        fc.constantFrom(...PARAMS).chain((name) => VALUES[name].map((value) => [name, value] as [Param, string])),
      )
      .map(([{ service, query }, extra]) => ({ service, query: [...query, extra, extra] as Query })),
  )
  .filter(({ query }) => !query.some(([name, value]) => name === 'type' && value === 'crash'));

/** The numeric ranges of SPEC 2.1, independent of the engine's parser: what an accepted value must satisfy. */
function inRange(name: Param, value: string): boolean {
  const n = Number(value);
  const { intensity, probability, duration, ms, jitter } = FAULT_LIMITS;
  switch (name) {
    case 'intensity':
      return Number.isInteger(n) && n >= intensity.min && n <= intensity.max;
    case 'probability':
      return n >= probability.min && n <= probability.max;
    case 'duration':
      return n > 0 && n <= duration.maxSeconds;
    case 'ms':
      return Number.isInteger(n) && n >= ms.min && n <= ms.max;
    case 'jitter':
      return n >= jitter.min && n <= jitter.max;
    case 'status':
      return (ERROR_STATUSES as readonly number[]).includes(n);
    default:
      return true;
  }
}

const post = (service: BusinessService, path: string, query: Query) =>
  call(`${stack.url(service)}${path}?${new URLSearchParams(query).toString()}`, { method: 'POST', token: stack.token });
const failures = async (service: BusinessService): Promise<unknown[]> => (await call(`${stack.url(service)}/health`)).body.failures;

describe('POST /inject-failure (property)', () => {
  it('answers any parameters with 200 or a 400 naming one, and a refusal installs nothing', { timeout: 90_000 }, async () => {
    await resetAll(stack);
    const started = performance.now();
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(anyCase, async ({ service, query }) => {
        const res = await post(service, '/inject-failure', query);
        try {
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) {
            refused++;
            expect(res.body.error).toBe('bad_request');
            const named = PARAMS.filter((name) => new RegExp(`\\b${name}\\b`).test(String(res.body.detail)));
            // It names a parameter that was given, or one that was missing (type always, target for an edge-only type).
            const culprits = new Set<string>([...query.map(([name]) => name), 'type', 'target']);
            expect(
              named.filter((name) => culprits.has(name)),
              String(res.body.detail),
            ).not.toEqual([]);
            expect(await failures(service)).toEqual([]);
          } else {
            accepted++;
            const given = new Map(query);
            for (const [name, value] of query) expect(inRange(name, value), `${name}=${value} accepted`).toBe(true);
            const state = res.body.failure;
            expect(state.type).toBe(given.get('type'));
            expect(faultTypesFor(service)).toContain(state.type);
            for (const name of ['intensity', 'probability', 'ms', 'jitter', 'status'] as const) {
              if (given.has(name)) expect(state[name]).toBe(Number(given.get(name)));
            }
            expect(await failures(service)).toEqual([expect.objectContaining({ type: state.type, scope: state.scope })]);
          }
        } finally {
          if (res.status === 200) await post(service, '/reset', []);
        }
      }),
      { numRuns: 150, interruptAfterTimeLimit: 60_000 },
    );
    // The mix must reach both sides of the property.
    console.info(`inject-failure property: ${accepted} accepted, ${refused} refused`);
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(50);
    expect(performance.now() - started).toBeLessThan(75_000);
  });

  it('accepts every well-formed injection with the scope it names', { timeout: 60_000 }, async () => {
    await resetAll(stack);
    await fc.assert(
      fc.asyncProperty(validQuery, async ({ service, query }) => {
        const res = await post(service, '/inject-failure', query);
        try {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          const given = new Map(query);
          expect(res.body.failure.scope).toBe(scopeLabel({ route: given.get('route'), target: given.get('target') }));
          expect(await failures(service)).toHaveLength(1);
        } finally {
          await post(service, '/reset', []);
        }
      }),
      { numRuns: 100, interruptAfterTimeLimit: 40_000 },
    );
  });
});
