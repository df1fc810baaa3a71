#!/usr/bin/env node
// Builds the `archaics` command into apps/cli/dist: one ESM bundle, split so that each command
// is a chunk of its own, loaded by the registry's dynamic import() when it runs. Workspace
// packages (@archaics/*) are bundled in; npm dependencies stay external and load from
// node_modules. `npm run build` runs it (as do `npm ci`, `npm start` and the tests).
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const CLI_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = resolve(CLI_DIR, 'dist');

/**
 * Bundled in: the workspace's own packages, and TypeBox, which the contracts build their
 * schemas with at load: as one file it costs a few ms, as its ~200 ESM modules over 100 ms of
 * `archaics status`. Every other npm package stays an import of the bundle.
 */
const BUNDLED = [/^@archaics\//, /^@sinclair\/typebox(\/|$)/];

const externalDependencies = {
  name: 'external-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUNDLED.some((pattern) => pattern.test(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * A bundled module keeps its own `import.meta.url`: paths built from it (the repository root,
 * the supervisor's preload, the scenario folder) name the source file, as they do under tsx.
 * Every chunk is written straight into dist/, so the source is at the same relative path from each.
 */
const sourceImportMeta = {
  name: 'source-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const fromDist = relative(DIST_DIR, args.path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

/**
 * Writes apps/cli/dist/main.js and its chunks (with source maps). Files whose content is
 * unchanged are left alone, the entry is replaced last and atomically, and stale chunks are
 * removed after it: a CLI already running (another test, another terminal) keeps working.
 */
export async function buildCli({ metafile = false } = {}) {
  const result = await esbuild.build({
    entryPoints: { main: resolve(CLI_DIR, 'src/main.ts') },
    outdir: DIST_DIR,
    write: false,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    chunkNames: '[name]-[hash]',
    plugins: [externalDependencies, sourceImportMeta],
    logLevel: 'warning',
    metafile,
  });
  await mkdir(DIST_DIR, { recursive: true });
  const entry = resolve(DIST_DIR, 'main.js');
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  for (const file of files) {
    const current = await readFile(file.path).catch(() => undefined);
    if (current?.equals(file.contents)) continue;
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  const written = new Set(files.map((file) => file.path));
  for (const name of await readdir(DIST_DIR)) {
    const path = resolve(DIST_DIR, name);
    if (!written.has(path) && !name.endsWith('.tmp')) await rm(path, { force: true });
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const result = await buildCli({ metafile: process.argv.includes('--analyze') });
  if (result.metafile) process.stdout.write(await esbuild.analyzeMetafile(result.metafile));
  process.stdout.write(
    `archaics CLI built into ${relative(resolve(CLI_DIR, '../..'), DIST_DIR)} in ${Math.round(performance.now() - started)} ms\n`,
  );
}
