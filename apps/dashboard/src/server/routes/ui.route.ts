import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StatusResponse } from '../../shared/schemas/ui.schema.ts';
import type { DashboardMode } from '../config.ts';
import { POLLED } from './route-options.ts';

/** The pages of the single-page UI (each answers index.html; /control answers control.html). */
export const UI_PAGES = ['/', '/chaos', '/load', '/aiops', '/traces', '/logs', '/experiments'] as const;

export interface UiRoutesOptions {
  readonly mode: DashboardMode;
  readonly version: string;
  /** Where the built UI is. */
  readonly distDir: string;
  /** The UI build state, asked per request. */
  readonly uiState: () => StatusResponse['ui'];
}

const BUILDING_PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>archaics</title></head><body style="font-family:system-ui;padding:2rem"><h1>archaics dashboard</h1><p>Building the UI (first start, or its sources changed)… this page reloads by itself.</p></body></html>`;

/** The built UI: its assets, its pages (a "building" page until the build is there), and `GET /api/status`. */
export const uiRoutes: FastifyPluginAsyncTypebox<UiRoutesOptions> = async (app, { mode, version, distDir, uiState }) => {
  mkdirSync(join(distDir, 'assets'), { recursive: true });
  await app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
  });
  const page = (file: 'index.html' | 'control.html') => async (_request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    const path = join(distDir, file);
    if (uiState() !== 'ready' || !existsSync(path)) return reply.code(503).header('retry-after', '2').send(BUILDING_PAGE);
    return readFileSync(path, 'utf8');
  };
  const pageSchema = { hide: true } as const;
  for (const path of UI_PAGES) app.get(path, { schema: pageSchema }, page('index.html'));
  app.get('/control', { schema: pageSchema }, page('control.html'));
  app.get('/favicon.ico', { schema: pageSchema }, async (_request, reply) => reply.code(204).send());

  app.get('/api/status', { config: POLLED, schema: { tags: ['dashboard'], response: { 200: StatusResponse } } }, async () => ({
    ui: uiState(),
    mode,
    version,
  }));
};
