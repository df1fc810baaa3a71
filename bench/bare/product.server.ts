// Bare "product": GET /products checks the token with auth /validate, then reads db
// /products, over node:http keep-alive agents; no tracing, logging, metrics or chaos.
import { Agent, request } from 'node:http';
import { sendJson, serveBare } from './bare-http.ts';

const AUTH_URL = new URL(process.env.AUTH_SERVICE_URL ?? 'http://127.0.0.1:8001');
const DB_URL = new URL(process.env.DB_SERVICE_URL ?? 'http://127.0.0.1:8002');
const TIMEOUT_MS = 1_000;
const authAgent = new Agent({ keepAlive: true, maxSockets: 64 });
const dbAgent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  body: unknown;
}

function getJson(base: URL, path: string, agent: Agent, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method: 'GET', agent, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${TIMEOUT_MS}ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function listProducts(authorization: string): Promise<Answer> {
  let auth: Answer;
  try {
    auth = await getJson(AUTH_URL, '/validate', authAgent, { authorization });
  } catch {
    return { status: 503, body: { error: 'auth_unavailable', upstream: 'auth-service' } };
  }
  if (auth.status === 401) return { status: 401, body: { error: 'unauthorized' } };
  if (auth.status !== 200) return { status: 503, body: { error: 'auth_unavailable', upstream: 'auth-service' } };
  let db: Answer;
  try {
    db = await getJson(DB_URL, '/products', dbAgent, {});
  } catch {
    return { status: 502, body: { error: 'upstream_error', upstream: 'db-service' } };
  }
  if (db.status !== 200) return { status: 502, body: { error: 'upstream_error', upstream: 'db-service' } };
  if (!Array.isArray(db.body)) return { status: 502, body: { error: 'upstream_bad_data', upstream: 'db-service' } };
  return { status: 200, body: db.body };
}

serveBare('bare-product', (req, res) => {
  if (req.method === 'GET' && req.url === '/products') {
    const authorization = req.headers.authorization;
    if (!authorization) {
      sendJson(res, 401, { error: 'unauthorized' });
      return;
    }
    listProducts(authorization).then(
      (answer) => sendJson(res, answer.status, answer.body),
      () => sendJson(res, 500, { error: 'internal' }),
    );
    return;
  }
  sendJson(res, 404, { error: 'not_found' });
});
