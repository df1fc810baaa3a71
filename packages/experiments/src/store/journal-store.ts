import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../run/journal.ts';
import { renderReport } from '../report/report.ts';

/** `<ARCHAICS_HOME>/experiments`: one folder per run (journal.json, report.html), one per suite run (scorecard.json, scorecard.md). */
export function experimentsDir(home: string): string {
  return join(home, 'experiments');
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function isRunId(text: string): boolean {
  return RUN_ID.test(text) && !text.includes('..');
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Writes the journal and its report; returns the run's folder. */
export function saveJournal(home: string, journal: Journal): { dir: string; journal: string; report: string } {
  const dir = join(experimentsDir(home), journal.run_id);
  mkdirSync(dir, { recursive: true });
  const journalPath = join(dir, 'journal.json');
  const reportPath = join(dir, 'report.html');
  writeAtomic(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
  writeAtomic(reportPath, renderReport(journal));
  return { dir, journal: journalPath, report: reportPath };
}

export interface JournalListing {
  readonly run_id: string;
  readonly name: string;
  readonly title: string;
  readonly status: string;
  readonly exit_code: number;
  readonly started_at: string;
  readonly ended_at: string;
  readonly reason: string;
  readonly suite: string | null;
}

/** The runs in the state folder, newest first (unreadable ones are left out). */
export function listJournals(home: string, limit = 200): JournalListing[] {
  const dir = experimentsDir(home);
  if (!existsSync(dir)) return [];
  const out: JournalListing[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry, 'journal.json');
    if (!isRunId(entry) || !existsSync(path)) continue;
    try {
      const j = JSON.parse(readFileSync(path, 'utf8')) as Journal & { suite?: string };
      out.push({
        run_id: j.run_id,
        name: j.experiment.name,
        title: j.experiment.title,
        status: j.status,
        exit_code: j.exit_code,
        started_at: j.started_at,
        ended_at: j.ended_at,
        reason: j.reason,
        suite: j.suite ?? null,
      });
    } catch {
      // a run still being written, or not a journal
    }
  }
  return out.sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, limit);
}

/** A file of one run (`journal.json` or `report.html`), or undefined. */
export function readRunFile(home: string, runId: string, file: 'journal.json' | 'report.html'): string | undefined {
  if (!isRunId(runId)) return undefined;
  const path = join(experimentsDir(home), runId, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The newest scorecard.json under the state folder's suite runs, else under `fallbackDirs` (bench/results). */
export function latestScorecard(
  home: string,
  fallbackDirs: readonly string[] = [],
): { path: string; json: unknown; markdown: string | null } | undefined {
  const candidates: Array<{ path: string; mtime: number; md: string }> = [];
  const dir = experimentsDir(home);
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry, 'scorecard.json');
      if (isRunId(entry) && existsSync(path))
        candidates.push({ path, mtime: statSync(path).mtimeMs, md: join(dir, entry, 'scorecard.md') });
    }
  }
  if (candidates.length === 0) {
    for (const fallback of fallbackDirs) {
      if (!existsSync(fallback)) continue;
      for (const entry of readdirSync(fallback)) {
        if (/^scorecard-.*\.json$/.test(entry))
          candidates.push({
            path: join(fallback, entry),
            mtime: statSync(join(fallback, entry)).mtimeMs,
            md: join(fallback, entry.replace(/\.json$/, '.md')),
          });
      }
    }
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) return undefined;
  try {
    return {
      path: newest.path,
      json: JSON.parse(readFileSync(newest.path, 'utf8')) as unknown,
      markdown: existsSync(newest.md) ? readFileSync(newest.md, 'utf8') : null,
    };
  } catch {
    return undefined;
  }
}
