import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MANAGER, KubernetesPlatform } from '../src/clients/kubernetes.platform.ts';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

// A local stand-in for the Kubernetes API server, driven through the real @kubernetes/client-node.
const seen: Seen[] = [];
let server: Server;
let url = '';
let answerStatus = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method ?? '',
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: text ? JSON.parse(text) : null,
      });
      res.setHeader('content-type', 'application/json');
      res.statusCode = answerStatus;
      if (answerStatus !== 200) {
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'deployments.apps "db-service" not found',
            reason: 'NotFound',
            code: answerStatus,
          }),
        );
        return;
      }
      const name = parsed.pathname.split('/')[6];
      const isScale = parsed.pathname.endsWith('/scale');
      res.end(
        JSON.stringify(
          isScale
            ? {
                kind: 'Scale',
                apiVersion: 'autoscaling/v1',
                metadata: { name, namespace: 'archaics' },
                spec: { replicas: 3 },
                status: { replicas: 1 },
              }
            : {
                kind: 'Deployment',
                apiVersion: 'apps/v1',
                metadata: { name, namespace: 'archaics' },
                spec: { selector: { matchLabels: { app: name } }, template: { metadata: {}, spec: { containers: [] } } },
              },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function platform(): KubernetesPlatform {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'operator', token: 'sa-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'operator', namespace: 'archaics' }],
    currentContext: 'fake',
  });
  return new KubernetesPlatform({ namespace: 'archaics', kubeConfig, now: () => new Date('2026-01-15T10:30:00.123Z') });
}

describe(KubernetesPlatform.name, () => {
  it('restarts a deployment with the strategic merge patch kubectl rollout restart sends', async () => {
    seen.length = 0;
    const detail = await platform().restart('db-service');
    expect(detail).toMatch(/rollout restart of deployment\/db-service/);
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe('PATCH');
    expect(request.path).toBe('/apis/apps/v1/namespaces/archaics/deployments/db-service');
    expect(request.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(request.headers.authorization).toBe('Bearer sa-token');
    expect(request.query.get('fieldManager')).toBe(FIELD_MANAGER);
    expect(request.body).toEqual({
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-15T10:30:00Z' } } } },
    });
  });

  it('scales through the scale subresource', async () => {
    seen.length = 0;
    await platform().scale('product-service', 3);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/archaics/deployments/product-service/scale',
      body: { spec: { replicas: 3 } },
    });
    expect(seen[0]!.headers['content-type']).toBe('application/merge-patch+json');
  });

  it('rejects when the API server refuses', async () => {
    answerStatus = 404;
    try {
      await expect(platform().restart('db-service')).rejects.toThrow(/404|not found/i);
    } finally {
      answerStatus = 200;
    }
  });
});
