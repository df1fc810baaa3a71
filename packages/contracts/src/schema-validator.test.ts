import { Kind, Type, type TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { AnomalyWebhook, Incident } from './aiops.ts';
import { FailureState } from './chaos.ts';
import { LogLine } from './logs.ts';
import { CartItem, Product } from './records.ts';
import { issueText, schemaValidator } from './schema-validator.ts';

const webhook = {
  source: 'anomaly-detector',
  anomaly_id: 'a1',
  anomalous_services: ['db-service'],
  scores: [],
  threshold: 0.7,
  consecutive: 2,
  window: { start: '2026-01-15T10:29:00.000Z', end: '2026-01-15T10:30:00.000Z' },
  opened_at: '2026-01-15T10:30:00.000Z',
};

describe(schemaValidator.name, () => {
  it('accepts a value of the schema and narrows it', () => {
    const validator = schemaValidator(AnomalyWebhook);
    const value: unknown = webhook;
    expect(validator.check(value)).toBe(true);
    expect(validator.issues(value)).toEqual([]);
    expect(validator.explain(value)).toBe('');
  });

  it('checks the union-of-literal enums as the contracts declare them', () => {
    const log = schemaValidator(LogLine);
    expect(log.check({ service: 'db-service', level: 'WARN', message: 'm', timestamp: 't' })).toBe(true);
    expect(log.issues({ service: 'db-service', level: 'NOTICE', message: 'm', timestamp: 't' })).toEqual([
      { path: 'level', message: 'is not one of DEBUG, INFO, WARN, ERROR' },
    ]);
    const failure = {
      type: 'meltdown',
      intensity: 1,
      probability: 1,
      started_at: '2026-01-15T10:30:00Z',
      expires_at: null,
      remaining_s: null,
      scope: 'service',
    };
    expect(schemaValidator(FailureState).issues(failure)).toEqual([
      { path: 'type', message: 'is not one of timeout, error, cpu, crash, bad_data, latency, leak, partition, blackhole' },
    ]);
  });

  it('names each wrong field once, nested fields dotted, array items by index', () => {
    const validator = schemaValidator(AnomalyWebhook);
    const { window: _window, ...noWindow } = webhook;
    const issues = validator.issues({ ...noWindow, consecutive: 0, anomalous_services: ['db-service', 'dashboard'] });
    expect(issues).toEqual([
      { path: 'window', message: 'is missing' },
      { path: 'consecutive', message: 'is not a positive integer' },
      { path: 'anomalous_services.1', message: 'is not one of auth-service, db-service, product-service, payment-service' },
    ]);
    const late = { ...webhook, window: { start: 'yesterday', end: webhook.window.end } };
    expect(validator.issues(late, 1)).toEqual([{ path: 'window.start', message: 'is not a date-time string' }]);
    expect(validator.explain(late, 'body')).toBe('body.window.start is not a date-time string');
    expect(validator.explain(webhook, 'body')).toBe('');
  });

  it('checks date-time as RFC 3339 with a time zone', () => {
    const at = schemaValidator(Type.String({ format: 'date-time' }));
    expect(['2026-01-15T10:30:00Z', '2026-01-15T10:30:00.123+01:00', '2024-02-29T23:59:60z'].every((t) => at.check(t))).toBe(true);
    expect(
      ['2026-01-15T10:30:00', '2026-02-30T10:30:00Z', '2026-01-15T24:00:00Z', '2025-02-29T00:00:00Z', '15/01/2026'].some((t) =>
        at.check(t),
      ),
    ).toBe(false);
  });

  it('words refusals of records the way the db client logs them', () => {
    const product = schemaValidator(Product);
    expect(product.issues({ id: ' ', name: 'x', description: '', price: 1 })).toEqual([
      { path: 'id', message: 'is not a non-empty string' },
    ]);
    expect(product.issues({ id: 'p1', name: 'x', description: '', price: -1 })).toEqual([{ path: 'price', message: 'is negative' }]);
    expect(schemaValidator(CartItem).issues({ product_id: 'p1', quantity: 1000 })).toEqual([
      { path: 'quantity', message: 'is more than 999' },
    ]);
    expect(schemaValidator(Incident).issues(null)).toEqual([{ path: '', message: 'is not an object' }]);
    expect(
      schemaValidator(Incident)
        .issues({ id: null }, 50)
        .find((issue) => issue.path === 'id'),
    ).toEqual({ path: 'id', message: 'is null' });
    expect(schemaValidator(Incident).issues([])).toEqual([{ path: '', message: 'is not an object' }]);
  });

  it('compiles on first use, so creating one is free', () => {
    const broken = schemaValidator({ [Kind]: 'NoSuchKind' } as TSchema);
    expect(() => broken.check(1)).toThrow();
  });
});

describe(issueText.name, () => {
  it('puts the field under its root, or says the message alone for the root', () => {
    expect(issueText({ path: 'window.start', message: 'is missing' }, 'body')).toBe('body.window.start is missing');
    expect(issueText({ path: '', message: 'is not an object' }, 'body')).toBe('body is not an object');
    expect(issueText({ path: '', message: 'is not an object' })).toBe('is not an object');
  });
});
