import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempHomes, tempHome } from '../../test/fixtures/fake-stack.ts';
import { DEFAULT_STACK, childEnv, loadStackFile, resolveStack } from './stack.ts';

afterAll(removeTempHomes);

describe(resolveStack.name, () => {
  it('adds the port offset to every service of the default stack', () => {
    const stack = resolveStack(DEFAULT_STACK, 20_000, '/repo');
    expect(stack.map((p) => [p.name, p.url, p.entryPath])).toEqual([
      ['telemetry', 'http://127.0.0.1:24318', '/repo/services/telemetry/src/main.ts'],
      ['auth-service', 'http://127.0.0.1:28001', '/repo/services/auth/src/main.ts'],
      ['db-service', 'http://127.0.0.1:28002', '/repo/services/db/src/main.ts'],
      ['product-service', 'http://127.0.0.1:28003', '/repo/services/product/src/main.ts'],
      ['payment-service', 'http://127.0.0.1:28004', '/repo/services/payment/src/main.ts'],
      ['ai-operator', 'http://127.0.0.1:28005', '/repo/services/ai-operator/src/main.ts'],
      ['anomaly-detector', 'http://127.0.0.1:28006', '/repo/services/anomaly-detector/src/main.ts'],
      ['dashboard', 'http://127.0.0.1:27000', '/repo/apps/dashboard/src/server/main.ts'],
    ]);
    expect(stack[0]?.extraPorts).toEqual([{ env: 'TELEMETRY_QUERY_PORT', port: 36686 }]);
  });

  it('rejects a port outside 1..65535 and duplicate names', () => {
    expect(() => resolveStack(DEFAULT_STACK, 60_000)).toThrow('outside 1..65535');
    expect(() => resolveStack([...DEFAULT_STACK, ...DEFAULT_STACK.slice(0, 1)], 0)).toThrow('listed twice');
  });
});

describe(childEnv.name, () => {
  it('sets the fixed variables, and the service URLs only where the user has not', () => {
    const stack = resolveStack(DEFAULT_STACK, 0, '/repo');
    const env = childEnv(
      stack.find((p) => p.name === 'product-service')!,
      {
        baseEnv: { PATH: '/bin', PORT: '1', HOST: '0.0.0.0', DB_SERVICE_URL: 'http://db.example:9000', AUTH_SERVICE_URL: ' ' },
        home: '/state',
        chaosToken: 'tok',
        stack,
      },
    );
    expect(env).toEqual({
      PATH: '/bin',
      PORT: '8003',
      HOST: '127.0.0.1',
      ARCHAICS_HOME: '/state',
      CHAOS_TOKEN: 'tok',
      ARCHAICS_SUPERVISED: '1',
      ARCHAICS_PORT_OFFSET: '0',
      AUTH_SERVICE_URL: 'http://127.0.0.1:8001',
      DB_SERVICE_URL: 'http://db.example:9000',
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:8003',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:8004',
      AI_OPERATOR_URL: 'http://127.0.0.1:8005',
      ANOMALY_DETECTOR_URL: 'http://127.0.0.1:8006',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      TELEMETRY_QUERY_URL: 'http://127.0.0.1:16686',
    });
  });

  it('gives a process its extra ports, shifted by the offset', () => {
    const stack = resolveStack(DEFAULT_STACK, 100, '/repo');
    const env = childEnv(stack[0]!, { baseEnv: {}, home: '/state', chaosToken: 'tok', stack });
    expect(env).toMatchObject({
      PORT: '4418',
      ARCHAICS_PORT_OFFSET: '100',
      TELEMETRY_QUERY_PORT: '16786',
      TELEMETRY_QUERY_URL: 'http://127.0.0.1:16786',
    });
  });
});

describe(loadStackFile.name, () => {
  it('reads a JSON list of specs and names what is wrong in a bad one', () => {
    const dir = tempHome('stack');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([{ name: 'a', dir: 'x', entry: 'main.ts', port: 1, env: { A: '1' } }]));
    expect(loadStackFile(good)).toEqual([{ name: 'a', dir: 'x', entry: 'main.ts', port: 1, env: { A: '1' } }]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'a', dir: 'x', entry: 'main.ts', port: '1' }]));
    expect(() => loadStackFile(bad)).toThrow('entry 0: "port" must be an integer');
  });
});
