import { describe, expect, it } from 'vitest';
import { readBaseConfig } from './service-config.ts';
import { readOtlpHeaders } from './otlp-headers.ts';

describe('OTEL_EXPORTER_OTLP_HEADERS', () => {
  it('reads key=value pairs, URL-decoded, names lower-cased, the traces variable over the general one', () => {
    expect(
      readOtlpHeaders({
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant=a ,x-scope=general',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-scope=traces',
      }),
    ).toEqual({ authorization: 'Bearer abc', 'x-tenant': 'a', 'x-scope': 'traces' });
    expect(readOtlpHeaders({})).toEqual({});
    expect(readOtlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: ' ' })).toEqual({});
  });

  it('names the variable and the entry of a malformed list, never its value', () => {
    expect(() => readOtlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,secret-without-equals' })).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value',
    );
    expect(() => readOtlpHeaders({ OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'bad name=1' })).toThrow(
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS: entry 1',
    );
    expect(() => readOtlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'k=%E0%A4%A' })).toThrow(/entry 1 \(k\) has a bad %-escape/);
    expect(() => readOtlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'k=a%0D%0Ahost:x' })).toThrow(/line break/);
    expect(() => readOtlpHeaders({ OTEL_EXPORTER_OTLP_HEADERS: 'k=topsecret,x' })).not.toThrow(/topsecret/);
  });

  it("is part of every service's base configuration", () => {
    const config = readBaseConfig('db-service', {
      ARCHAICS_HOME: '/tmp/archaics-otlp-headers-test',
      CHAOS_OPEN: '1',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=k1',
    });
    expect(config.otlpHeaders).toEqual({ 'api-key': 'k1' });
  });
});
