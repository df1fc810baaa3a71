import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExperiment, type Experiment } from './experiment.ts';
import { ExperimentDefinitionError } from './yaml-source.ts';

/** The repository's root (this file is packages/experiments/src/definition/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shipped experiments. */
export const EXPERIMENTS_DIR = join(REPO_ROOT, 'experiments');
/** Where the suite writes its scorecard. */
export const BENCH_RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
export const SUITE_FILE = 'suite.yaml';

/** The shipped experiments' names (file names without .yaml), the suite left out. */
export function shippedExperimentNames(dir = EXPERIMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== SUITE_FILE)
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** A path (has a slash or ends in .yaml/.yml) or the name of a shipped experiment → the file. */
export function resolveExperimentFile(nameOrPath: string, cwd: string, dir = EXPERIMENTS_DIR): string {
  if (nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath)) return isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
  return join(dir, `${nameOrPath}.yaml`);
}

/** Reads and checks an experiment; a missing file is a definition error too (nothing runs). */
export function loadExperimentFile(file: string, cwd = process.cwd()): Experiment {
  const shown = relative(cwd, file).startsWith('..') ? file : relative(cwd, file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const names = shippedExperimentNames();
    throw new ExperimentDefinitionError(shown, [
      {
        field: '',
        line: null,
        column: null,
        message: `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read it (${(error as Error).message})`}; shipped experiments: ${names.join(', ')}`,
      },
    ]);
  }
  return parseExperiment(text, shown);
}
