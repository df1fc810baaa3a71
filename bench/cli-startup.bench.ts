// `npm run bench:cli`: how long the `archaics` command takes to start, against `node -e 0` in
// the same hyperfine run (the target: `--help` and `status` within 3×). `status` runs against a
// stack that is not there (a port offset nothing listens on, an empty state folder), so it
// measures the start-up and one failed round of requests, not the services. Needs hyperfine
// (Debian's `hyperfine`); without it the bench says so and writes nothing. It reports; it
// never fails on a missed target.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchInt } from './lib/bench-settings.ts';
import { machine } from './lib/machine.ts';
import { fixed, markdownTable } from './lib/markdown-table.ts';

const settings = { runs: benchInt('BENCH_CLI_RUNS', 30, 5, 500), warmup: 3 };
const TARGET_RATIO = 3;
/** No stack listens this far from the canonical ports. */
const EMPTY_STACK_OFFSET = 24_700;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'apps/cli/bin/archaics.mjs');
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

interface Case {
  readonly label: string;
  readonly command: string;
  /** Counted against the 3× target. */
  readonly target: boolean;
}

const CASES: readonly Case[] = [
  { label: 'node -e 0', command: 'node -e 0', target: false },
  { label: 'archaics --help', command: `node '${bin}' --help`, target: true },
  { label: 'archaics status', command: `node '${bin}' status`, target: true },
  { label: 'archaics status, --enable-source-maps', command: `node --enable-source-maps '${bin}' status`, target: false },
];

interface HyperfineResult {
  readonly command: string;
  readonly mean: number;
  readonly stddev: number | null;
  readonly median: number;
  readonly user: number;
  readonly system: number;
}

const version = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  log('hyperfine is not installed (Debian: apt-get install hyperfine): nothing measured');
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), 'archaics-cli-bench-'));
try {
  const exported = join(scratch, 'hyperfine.json');
  log(`${version.stdout.trim()}: ${CASES.length} commands, ${settings.runs} runs each after ${settings.warmup} warm-up runs`);
  execFileSync(
    'hyperfine',
    [
      '--shell=none',
      '--ignore-failure',
      '--warmup',
      String(settings.warmup),
      '--runs',
      String(settings.runs),
      '--export-json',
      exported,
      '--style',
      'basic',
      ...CASES.map((c) => c.command),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ARCHAICS_HOME: join(scratch, 'home'),
        ARCHAICS_PORT_OFFSET: String(EMPTY_STACK_OFFSET),
        NO_COLOR: '1',
        CHAOS_TOKEN: '',
        PROMETHEUS_URL: '',
      },
    },
  );
  const { results } = JSON.parse(readFileSync(exported, 'utf8')) as { results: HyperfineResult[] };
  const baseline = results[0]?.mean ?? Number.NaN;
  const rows = CASES.map((c, i) => {
    const result = results[i];
    const ratio = (result?.mean ?? Number.NaN) / baseline;
    return {
      command: c.label,
      mean_ms: (result?.mean ?? Number.NaN) * 1000,
      stddev_ms: (result?.stddev ?? Number.NaN) * 1000,
      cpu_ms: ((result?.user ?? Number.NaN) + (result?.system ?? Number.NaN)) * 1000,
      ratio,
      within_target: c.target ? ratio <= TARGET_RATIO : null,
    };
  });
  const info = machine();
  const table = markdownTable(
    ['command', 'mean ms', '± ms', 'CPU ms', '× node -e 0', `≤ ${TARGET_RATIO}×`],
    rows.map((r) => [
      r.command,
      fixed(r.mean_ms, 1),
      fixed(r.stddev_ms, 1),
      fixed(r.cpu_ms, 1),
      fixed(r.ratio, 2),
      r.within_target === null ? '' : r.within_target ? 'yes' : 'NO',
    ]),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );
  const markdown = [
    `# CLI start-up — ${String(info.date).slice(0, 10)}`,
    '',
    `Machine: ${Object.entries(info)
      .filter(([key]) => key !== 'date')
      .map(([key, value]) => `${key} ${value}`)
      .join(', ')}.`,
    '',
    `hyperfine (${version.stdout.trim()}), no shell, ${settings.warmup} warm-up runs, ${settings.runs} runs per command; ` +
      `\`status\` against an empty stack (ARCHAICS_PORT_OFFSET=${EMPTY_STACK_OFFSET}: every service refuses the connection, exit code 1 ignored). ` +
      'CPU ms is user + system time; on a busy machine it is steadier than the wall time.',
    '',
    table,
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `cli-startup-${String(info.date).slice(0, 10)}`);
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ machine: info, settings: { ...settings, target_ratio: TARGET_RATIO, port_offset: EMPTY_STACK_OFFSET }, rows, hyperfine: results }, null, 2)}\n`,
  );
  log(`results written to ${base}.md and ${base}.json`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
