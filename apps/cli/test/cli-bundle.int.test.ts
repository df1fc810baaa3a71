import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, DIST_DIR } from '../build.mjs';
import { REPO_ROOT } from '../src/supervisor/stack.ts';

/** What loading one output file brings in at once: its static imports, transitively (dynamic ones load later, on use). */
interface Closure {
  readonly inputs: readonly string[];
  readonly external: readonly string[];
}

function closureOf(metafile: Metafile, start: string): Closure {
  const seen = new Set<string>();
  const external = new Set<string>();
  const pending = [start];
  for (let output = pending.pop(); output !== undefined; output = pending.pop()) {
    if (seen.has(output)) continue;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) external.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { inputs: [...seen].flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {})), external: [...external] };
}

/** Packages `--help` and `status` must not load: the servers' runtime, OpenTelemetry, SQLite, TypeBox's compiler, tsx. */
const HEAVY = [/^fastify/, /^@fastify\//, /^@opentelemetry\//, /^better-sqlite3/, /^tsx/, /^undici/, /^prom-client/];

let metafile: Metafile;
let entry: string;
beforeAll(async () => {
  const result = await buildCli({ metafile: true });
  metafile = result.metafile as Metafile;
  const outputs = Object.keys(metafile.outputs);
  entry = outputs.find((output) => output.endsWith('/dist/main.js')) ?? '';
  expect(entry, outputs.join(', ')).not.toBe('');
});

function outputOf(command: string): string {
  const output = Object.keys(metafile.outputs).find((path) => path.includes(`/dist/${command}.command-`) && path.endsWith('.js'));
  if (output === undefined) throw new Error(`no chunk for ${command}.command.ts`);
  return output;
}

describe(buildCli.name, () => {
  it('writes one entry that loads no command module until one runs', () => {
    const { inputs, external } = closureOf(metafile, entry);
    expect(inputs.filter((input) => input.endsWith('.command.ts'))).toEqual(['apps/cli/src/commands/help.command.ts']);
    expect(
      external.every((name) => name.startsWith('node:')),
      external.join(', '),
    ).toBe(true);
    for (const command of ['up', 'status', 'inject', 'reset', 'load', 'logs', 'trace', 'experiment']) {
      const imports = metafile.outputs[entry]?.imports ?? [];
      expect(
        imports.some((imported) => imported.kind === 'dynamic-import' && imported.path === outputOf(command)),
        command,
      ).toBe(true);
    }
  });

  it("gives status a chunk that loads none of the servers' packages", () => {
    const { inputs, external } = closureOf(metafile, outputOf('status'));
    expect(external.filter((name) => HEAVY.some((pattern) => pattern.test(name)))).toEqual([]);
    expect(inputs.filter((input) => input.includes('packages/server/') || input.includes('typebox/build/esm/compiler'))).toEqual([]);
  });

  it('bundles the workspace packages and leaves npm packages to node_modules', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.startsWith('packages/contracts/src/'))).toBe(true);
    expect(inputs.some((input) => input.includes('node_modules/yaml/'))).toBe(false);
    const external = Object.values(metafile.outputs).flatMap((output) =>
      output.imports.filter((imported) => imported.external).map((imported) => imported.path),
    );
    expect(external).toContain('yaml');
  });

  it('keeps import.meta.url pointing at the source, so paths built from it do not move', () => {
    const stack = Object.keys(metafile.outputs).find((output) =>
      Object.keys(metafile.outputs[output]?.inputs ?? {}).includes('apps/cli/src/supervisor/stack.ts'),
    );
    expect(stack).toBeDefined();
    const text = readFileSync(join(REPO_ROOT, stack ?? ''), 'utf8');
    expect(text).toContain(`new URL("${relative(DIST_DIR, join(REPO_ROOT, 'apps/cli/src/supervisor/stack.ts'))}", import.meta.url)`);
  });

  it('has a bin that runs the bundle without tsx', () => {
    const bin = readFileSync(join(REPO_ROOT, 'apps/cli/bin/archaics.mjs'), 'utf8');
    expect(bin).toContain("import('../dist/main.js')");
    expect(bin).not.toMatch(/from ['"]tsx|import\(['"]tsx/);
  });
});
