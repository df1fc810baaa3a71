import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBearerToken } from '@archaics/runtime';
import type { RestartAccepted, ServiceStatus } from './control.types.ts';

export interface ControlServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly listServices: () => readonly ServiceStatus[];
  /** Starts a restart and answers at once; null when no service has that name. */
  readonly restartService: (name: string) => RestartAccepted | null;
}

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

const RESTART_PATH = /^\/services\/([^/]+)\/restart$/;

/**
 * The supervisor's control interface on 127.0.0.1: `GET /services`,
 * `POST /services/{name}/restart`; every route but `GET /health` needs the chaos token.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      send(res, 500, { error: 'internal_error', detail: (error as Error).message });
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/health' && req.method === 'GET') {
      send(res, 200, { status: 'ok', service: 'supervisor' });
      return;
    }
    const check = checkBearerToken(req.headers.authorization, options.token);
    if (check === 'missing') {
      send(res, 401, { error: 'unauthorized', detail: 'Authorization: Bearer <chaos token> is required' });
      return;
    }
    if (check === 'wrong') {
      send(res, 403, { error: 'forbidden', detail: 'wrong chaos token' });
      return;
    }
    if (path === '/services') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      send(res, 200, options.listServices());
      return;
    }
    const restart = RESTART_PATH.exec(path);
    if (restart?.[1]) {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      const name = decodeURIComponent(restart[1]);
      const accepted = options.restartService(name);
      if (accepted) send(res, 202, accepted);
      else send(res, 404, { error: 'not_found', detail: `unknown service "${name}"` });
      return;
    }
    send(res, 404, { error: 'not_found', detail: `no route ${req.method ?? 'GET'} ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  send(res, 405, { error: 'method_not_allowed', detail: `use ${allow}` });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
