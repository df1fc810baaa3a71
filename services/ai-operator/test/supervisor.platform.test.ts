import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SupervisorPlatform } from '../src/clients/supervisor.platform.ts';

describe(SupervisorPlatform.name, () => {
  it('restarts through the control interface named in supervisor.json, with the chaos token', async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'db-service', restarting: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const home = mkdtempSync(join(tmpdir(), 'ai-operator-sup-'));
    try {
      const platform = new SupervisorPlatform({ home, chaosToken: 'tok' });
      await expect(platform.restart('db-service')).rejects.toThrow(/no supervisor found/);
      const port = (server.address() as AddressInfo).port;
      writeFileSync(
        join(home, 'supervisor.json'),
        JSON.stringify({ pid: 1, control_url: `http://127.0.0.1:${port}`, started_at: '', services: [] }),
      );
      expect(await platform.restart('db-service')).toBe('supervisor restarting db-service');
      expect(seen).toEqual([{ method: 'POST', url: '/services/db-service/restart', auth: 'Bearer tok' }]);
      await expect(platform.scale()).rejects.toThrow(/needs Kubernetes/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(home, { recursive: true, force: true });
    }
  });
});
