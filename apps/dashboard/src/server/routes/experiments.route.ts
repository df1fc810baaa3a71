import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { notFound } from '@archaics/server';
import { BENCH_RESULTS_DIR, latestScorecard, listJournals, readRunFile } from '@archaics/experiments';
import { ExperimentsResponse, RunParams, ScorecardFile } from '../../shared/schemas/experiments.schema.ts';
import { ERRORS, POLLED } from './route-options.ts';

export interface ExperimentsRoutesOptions {
  /** The state folder (`ARCHAICS_HOME`) whose experiments/ holds the journals and reports. */
  readonly home: string;
}

// A scorecard file is read from disk: one that is not a scorecard shows as its Markdown only.
const scorecardFile = TypeCompiler.Compile(ScorecardFile);

/** The experiments view: the journals and reports of `archaics experiment`, and the suite's latest scorecard. */
export const experimentsRoutes: FastifyPluginAsyncTypebox<ExperimentsRoutesOptions> = async (app, { home }) => {
  app.get('/api/experiments', { config: POLLED, schema: { tags: ['experiments'], response: { 200: ExperimentsResponse } } }, async () => {
    const latest = latestScorecard(home, [BENCH_RESULTS_DIR]);
    return {
      runs: listJournals(home, 200),
      scorecard: latest
        ? { path: latest.path, json: scorecardFile.Check(latest.json) ? latest.json : {}, markdown: latest.markdown }
        : null,
    };
  });
  app.get(
    '/api/experiments/:run/journal',
    { schema: { tags: ['experiments'], params: RunParams, response: ERRORS } },
    async (request, reply) => {
      const run = request.params.run;
      const text = readRunFile(home, run, 'journal.json');
      if (text === undefined) throw notFound(`no experiment run "${run}" in ${home}/experiments`);
      return (reply as FastifyReply).type('application/json').send(text);
    },
  );
  app.get(
    '/api/experiments/:run/report',
    { schema: { tags: ['experiments'], params: RunParams, response: ERRORS } },
    async (request, reply) => {
      const run = request.params.run;
      const html = readRunFile(home, run, 'report.html');
      if (html === undefined) throw notFound(`no report for experiment run "${run}" in ${home}/experiments`);
      // The report is self-contained (inline CSS and SVG, no script): nothing else may load or run in it.
      return (reply as FastifyReply)
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
        .send(html);
    },
  );
};
