import { describe, expect, it } from 'vitest';
import { AppError } from '@archaics/server';
import { BUSINESS_SERVICES, ERROR_STATUSES, FAULT_LIMITS, FAULT_ROUTES, faultTargetsFor, faultTypesFor } from '@archaics/contracts';
import type { InjectBody } from '../../shared/schemas/chaos.schema.ts';
import { faultCatalog, parseFaultRequest, parseScopeLabel } from './fault-request.ts';

/** The 400's detail for a request the parser refuses. */
function refusal(body: InjectBody): string {
  try {
    parseFaultRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(400);
    return (error as AppError).detail ?? '';
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe(parseFaultRequest.name, () => {
  it('accepts the seed faults and those of SPEC 2.1 with their parameters, by full or short service name', () => {
    expect(parseFaultRequest({ service: 'db', type: 'timeout', intensity: 2, probability: 0.5, duration: 30 })).toEqual({
      service: 'db-service',
      type: 'timeout',
      intensity: 2,
      probability: 0.5,
      duration: 30,
    });
    expect(parseFaultRequest({ service: 'db-service', type: 'latency', ms: 300, jitter: 0.5, route: '/cart/add' })).toEqual({
      service: 'db-service',
      type: 'latency',
      ms: 300,
      jitter: 0.5,
      route: '/cart/add',
    });
    expect(parseFaultRequest({ service: 'product', type: 'partition', target: 'db' })).toEqual({
      service: 'product-service',
      type: 'partition',
      target: 'db-service',
    });
    expect(parseFaultRequest({ service: 'payment', type: 'error', status: 429, target: 'auth-service' })).toMatchObject({
      status: 429,
      target: 'auth-service',
    });
    expect(parseFaultRequest({ service: 'auth', type: 'leak', intensity: 4 })).toEqual({
      service: 'auth-service',
      type: 'leak',
      intensity: 4,
    });
  });

  it('refuses a type the service does not take, naming the type', () => {
    expect(refusal({ service: 'db', type: 'nope' })).toMatch(/^type must be one of .*latency/);
    expect(refusal({ service: 'auth', type: 'bad_data' })).toMatch(/^type: bad_data applies to db-service only/);
    expect(refusal({ service: 'db', type: 'partition', target: 'auth' })).toMatch(
      /^type: partition breaks an edge and db-service calls no/,
    );
  });

  it('refuses parameters that do not go with the type', () => {
    expect(refusal({ service: 'db', type: 'timeout', ms: 100 })).toBe('ms goes with latency only, not timeout');
    expect(refusal({ service: 'db', type: 'error', jitter: 0.1 })).toBe('jitter goes with latency only, not error');
    expect(refusal({ service: 'db', type: 'latency', status: 503 })).toBe('status goes with error only, not latency');
    expect(refusal({ service: 'db', type: 'cpu', route: '/products' })).toMatch(/^route does not go with cpu/);
    expect(refusal({ service: 'product', type: 'leak', target: 'db' })).toMatch(/^target does not go with leak/);
    expect(refusal({ service: 'product', type: 'error', route: '/cart', target: 'db' })).toMatch(/route or target, not both/);
  });

  it('refuses values out of the limits of the contracts, naming the parameter', () => {
    expect(refusal({ service: 'db', type: 'error', intensity: FAULT_LIMITS.intensity.max + 1 })).toMatch(
      /^intensity must be an integer 1\.\.10/,
    );
    expect(refusal({ service: 'db', type: 'error', intensity: 1.5 })).toMatch(/^intensity/);
    expect(refusal({ service: 'db', type: 'error', probability: 1.2 })).toMatch(/^probability must be a number 0\.\.1/);
    expect(refusal({ service: 'db', type: 'error', duration: 0 })).toMatch(/^duration must be seconds > 0/);
    expect(refusal({ service: 'db', type: 'error', duration: FAULT_LIMITS.duration.maxSeconds + 1 })).toMatch(/^duration/);
    expect(refusal({ service: 'db', type: 'latency', ms: 0 })).toMatch(/^ms must be an integer 1\.\.30000/);
    expect(refusal({ service: 'db', type: 'latency', ms: 30_001 })).toMatch(/^ms/);
    expect(refusal({ service: 'db', type: 'latency', jitter: 2 })).toMatch(/^jitter must be a number 0\.\.1/);
    expect(refusal({ service: 'db', type: 'error', status: 404 })).toBe(`status must be one of ${ERROR_STATUSES.join(', ')}; got 404`);
  });

  it("refuses a route or a target the service does not have, listing the service's own", () => {
    expect(refusal({ service: 'product', type: 'error', route: '/nope' })).toBe(
      `route "/nope" is not a route of product-service; one of ${FAULT_ROUTES['product-service'].join(', ')}`,
    );
    expect(refusal({ service: 'product', type: 'error', target: 'payment' })).toBe(
      'target "payment" is not a service product-service calls; one of auth-service, db-service',
    );
    expect(refusal({ service: 'db', type: 'latency', target: 'auth' })).toMatch(/^target: db-service calls no other service/);
    expect(refusal({ service: 'payment', type: 'blackhole' })).toBe(
      'target is required for blackhole: the upstream whose calls it breaks (auth-service or db-service)',
    );
  });

  it('refuses an unknown service', () => {
    expect(refusal({ service: 'mail', type: 'error' })).toMatch(/^service must be one of auth-service/);
  });
});

describe(parseScopeLabel.name, () => {
  it("accepts the service's scope labels and refuses others, listing them", () => {
    expect(parseScopeLabel('product-service', 'service')).toBe('service');
    expect(parseScopeLabel('product-service', 'route:/cart/add')).toBe('route:/cart/add');
    expect(parseScopeLabel('product-service', 'edge:db-service')).toBe('edge:db-service');
    expect(() => parseScopeLabel('db-service', 'edge:auth-service')).toThrow(
      /scope "edge:auth-service" is not a scope of db-service; one of service, route:/,
    );
    expect(() => parseScopeLabel('db-service', 'route:/nope')).toThrow(AppError);
  });
});

describe(faultCatalog.name, () => {
  it("gives every business service's types, routes and targets from the contracts, and the limits", () => {
    const catalog = faultCatalog();
    expect(catalog.services.map((s) => s.service)).toEqual([...BUSINESS_SERVICES]);
    for (const entry of catalog.services) {
      expect(entry.types).toEqual(faultTypesFor(entry.service));
      expect(entry.routes).toEqual(FAULT_ROUTES[entry.service]);
      expect(entry.targets).toEqual(faultTargetsFor(entry.service));
    }
    const product = catalog.services.find((s) => s.service === 'product-service')!;
    expect(product.types).toEqual(expect.arrayContaining(['latency', 'leak', 'partition', 'blackhole']));
    expect(product.types).not.toContain('bad_data');
    expect(product.targets).toEqual(['auth-service', 'db-service']);
    const db = catalog.services.find((s) => s.service === 'db-service')!;
    expect(db.types).toContain('bad_data');
    expect(db.types).not.toContain('partition');
    expect(db.targets).toEqual([]);
    expect(catalog.edgeOnlyTypes).toEqual(['partition', 'blackhole']);
    expect(catalog.processTypes).toEqual(['cpu', 'leak', 'crash']);
    expect(catalog.errorStatuses).toEqual([500, 502, 503, 429]);
    expect(catalog.limits).toEqual(FAULT_LIMITS);
  });
});
