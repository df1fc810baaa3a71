// ESLint for the whole repository (flat config): typescript-eslint with type information, and the
// import boundaries of ARCHITECTURE.md as one local rule, `archaics/import-boundaries`:
//   - a service never imports another service (or an app), by package name or by a relative path;
//   - apps and services reach a package only through its public entry points (`@archaics/<pkg>` or
//     an entry in that package's `exports`), never `@archaics/<pkg>/src/...` or a path into packages/;
//   - @archaics/contracts imports nothing with I/O (no node:fs, node:http, ..., fastify,
//     better-sqlite3, undici, no other @archaics package).
// The workspaces and their `exports` are read from the package.json files, so a new package or a new
// entry needs no edit here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * The npm workspaces: name, folder (relative to the root, `/`-separated), kind and public entries.
 * @returns {Array<{ name: string, dir: string, kind: 'package' | 'service' | 'app', entries: string[], entryFiles: Map<string, string> }>}
 */
function readWorkspaces() {
  const patterns = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces;
  const dirs = patterns.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return dirs
    .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      const exportsMap = manifest.exports ?? { '.': manifest.main ?? './index.js' };
      const targets = typeof exportsMap === 'string' ? { '.': exportsMap } : exportsMap;
      const entries = Object.keys(targets);
      /** Entry by the file it points at (root-relative), to name the entry a relative import should use. */
      const entryFiles = new Map(
        Object.entries(targets)
          .filter(([, path]) => typeof path === 'string')
          .map(([entry, path]) => [`${dir}/${path.replace(/^\.\//, '')}`, entry]),
      );
      const top = dir.split('/')[0];
      const kind = top === 'services' ? 'service' : top === 'apps' ? 'app' : 'package';
      return { name: manifest.name, dir, kind, entries, entryFiles };
    });
}

const WORKSPACES = readWorkspaces();
const BY_NAME = new Map(WORKSPACES.map((workspace) => [workspace.name, workspace]));
const SCOPE = '@archaics/';

/** Node modules that read or write the outside world; @archaics/contracts must not import them. */
const IO_BUILTINS = new Set([
  'child_process',
  'cluster',
  'dgram',
  'dns',
  'fs',
  'http',
  'http2',
  'https',
  'inspector',
  'net',
  'os',
  'process',
  'readline',
  'repl',
  'sqlite',
  'tls',
  'tty',
  'v8',
  'wasi',
  'worker_threads',
]);
/** npm packages that do I/O; @archaics/contracts must not import them either. */
const IO_PACKAGES = ['fastify', '@fastify/', 'better-sqlite3', 'undici', 'pino'];
const BUILTINS = new Set(builtinModules);

/** Whole-stack test helpers that the integration tests of apps and services may share. */
const SHARED_TEST_SUPPORT = 'e2e/support/';

/** `/`-separated path relative to the repository root. */
const fromRoot = (absolute) => relative(ROOT, absolute).split(sep).join('/');

/** The workspace holding a root-relative path, if any. */
const workspaceAt = (path) => WORKSPACES.find((workspace) => path === workspace.dir || path.startsWith(`${workspace.dir}/`));

const isTestFile = (path) => /\.test\.tsx?$/.test(path) || /(^|\/)test\//.test(path);

/** `@archaics/server/testing` -> `{ name: '@archaics/server', entry: './testing' }`. */
function splitScoped(specifier) {
  const [, name, ...rest] = specifier.split('/');
  return { name: `${SCOPE}${name}`, entry: rest.length === 0 ? '.' : `./${rest.join('/')}` };
}

/** How a file in `from` may import `to`: undefined when allowed, else the message id. */
function layerViolation(from, to) {
  if (from === undefined || from === to || (to.kind !== 'service' && to.kind !== 'app')) return undefined;
  if (from.kind === 'service' && to.kind === 'service') return 'crossService';
  return 'wrongLayer';
}

function ioModuleOf(specifier) {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (specifier.startsWith('node:') || BUILTINS.has(bare)) {
    return IO_BUILTINS.has(bare.split('/')[0]) ? specifier : undefined;
  }
  if (specifier.startsWith(SCOPE)) return specifier;
  return IO_PACKAGES.some(
    (name) => specifier === name || (name.endsWith('/') && specifier.startsWith(name)) || specifier.startsWith(`${name}/`),
  )
    ? specifier
    : undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports inside the boundaries between packages, services and apps (ARCHITECTURE.md).' },
    schema: [],
    messages: {
      crossService: '{{from}} is a service and must not import another service ({{to}}); talk to it over HTTP.',
      wrongLayer: '{{from}} ({{fromKind}}) must not import {{to}} ({{toKind}}): only packages are shared code.',
      unknownPackage: '"{{specifier}}" is not a workspace of this repository (known: {{known}}).',
      notExported: '"{{specifier}}" is not a public entry of {{name}}; use one of: {{entries}}.',
      relativeIntoWorkspace: '"{{specifier}}" reaches into {{dir}}/ by a relative path; import {{hint}} instead.',
      leavesWorkspace: '"{{specifier}}" climbs out of {{dir}}/ into {{target}}; a workspace imports only its own files and packages.',
      contractsIo: '@archaics/contracts must not import "{{specifier}}": contracts are schemas and types, without I/O.',
    },
  },
  create(context) {
    const file = fromRoot(context.filename);
    const here = workspaceAt(file);

    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const report = (messageId, data) => context.report({ node, messageId, data: { specifier, ...data } });

      if (here?.name === '@archaics/contracts') {
        const io = ioModuleOf(specifier);
        if (io !== undefined) return report('contractsIo', {});
      }

      if (specifier.startsWith('.')) {
        const target = fromRoot(resolve(dirname(context.filename), specifier));
        const there = workspaceAt(target);
        if (there === here) return;
        if (there === undefined) {
          // Outside the workspaces (bench, e2e, infra/test) relative imports between those folders are fine.
          if (here === undefined || (isTestFile(file) && target.startsWith(SHARED_TEST_SUPPORT))) return;
          return report('leavesWorkspace', { dir: here.dir, target });
        }
        const layer = layerViolation(here, there);
        if (layer !== undefined) {
          return report(layer, { from: here.name, fromKind: here.kind, to: there.name, toKind: there.kind });
        }
        const entry = there.entryFiles.get(target);
        const hint =
          entry === undefined
            ? `an entry of ${there.name} (${there.entries.join(', ')})`
            : entry === '.'
              ? there.name
              : `${there.name}/${entry.slice(2)}`;
        return report('relativeIntoWorkspace', { dir: there.dir, hint: `"${hint}"` });
      }

      if (!specifier.startsWith(SCOPE)) return;
      const { name, entry } = splitScoped(specifier);
      const there = BY_NAME.get(name);
      if (there === undefined) return report('unknownPackage', { known: [...BY_NAME.keys()].join(', ') });
      if (!there.entries.includes(entry)) {
        const entries = there.entries.map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`)).join(', ');
        return report('notExported', { name, entries });
      }
      const layer = layerViolation(here, there);
      if (layer !== undefined) report(layer, { from: here.name, fromKind: here.kind, to: there.name, toKind: there.kind });
    };

    const literal = (source) =>
      source?.type === 'Literal'
        ? source.value
        : source?.type === 'TemplateLiteral' && source.expressions.length === 0
          ? source.quasis[0]?.value.cooked
          : undefined;

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      TSImportType: (node) => check(node, literal(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument)),
    };
  },
};

const archaics = { meta: { name: 'archaics' }, rules: { 'import-boundaries': importBoundaries } };

const NODE_GLOBALS = {
  process: 'readonly',
  console: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  AbortController: 'readonly',
  fetch: 'readonly',
  performance: 'readonly',
  queueMicrotask: 'readonly',
  structuredClone: 'readonly',
  TextDecoder: 'readonly',
  TextEncoder: 'readonly',
  URLSearchParams: 'readonly',
};
const K6_GLOBALS = { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly', console: 'readonly' };

export default defineConfig(
  {
    name: 'archaics/ignores',
    ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.archaics/**', 'bench/results/**', '**/*.d.ts.map'],
  },
  {
    name: 'archaics/typescript',
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    rules: {
      // STYLE.md habit 10.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Off: Fastify handlers and hooks are async by convention (fastify docs/Reference/Routes.md) and
      // interface implementations are async without awaiting; ~75 edits that would change no behaviour.
      '@typescript-eslint/require-await': 'off',
      // Node's URLSearchParams prints as its query string; the default allow list only knows lib.dom's.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: 'URLSearchParams' },
          ],
        },
      ],
      // A variable assigned once but read first by a closure (late binding) has to stay `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_name` marks a parameter an interface requires and the implementation does not use; a caught
      // error may go unused (the catch documents that the failure is expected).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Off in tests: they read parsed JSON, YAML and HTTP bodies as `any` on purpose and their assertions
    // check the shape; typing each access would be ~450 edits for no gain. Source code keeps them on.
    name: 'archaics/tests',
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', 'e2e/**/*.ts', 'infra/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    name: 'archaics/javascript',
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    // k6 scripts run in k6's runtime, not Node.
    name: 'archaics/k6',
    files: ['load/k6/**/*.js'],
    languageOptions: { globals: K6_GLOBALS },
  },
  {
    name: 'archaics/boundaries',
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { archaics },
    rules: { 'archaics/import-boundaries': 'error' },
  },
);
