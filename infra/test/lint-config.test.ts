import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARIES = 'archaics/import-boundaries';

// The probes do not exist on disk, so they are linted without type information; the boundary rule
// needs none. Everything else comes from the repository's eslint.config.js.
const PROBES = ['**/__lint_probe__.ts', '**/__lint_probe__.test.ts'];

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: [{ files: PROBES, ...tseslint.configs.disableTypeChecked }],
  });
});

/** The boundary rule's message ids for `code` linted as if it were the file at `path`. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  const messages: Linter.LintMessage[] = result?.messages ?? [];
  const fatal = messages.filter((message) => message.fatal);
  expect(fatal, 'the probe parses').toEqual([]);
  return messages.filter((message) => message.ruleId === BOUNDARIES).map((message) => message.messageId ?? '');
}

describe('eslint.config.js import boundaries', () => {
  const product = 'services/product/src/__lint_probe__.ts';

  it('fails a service that imports another service, by relative path or by package name', async () => {
    expect(await boundaryErrors(product, "import { buildApp } from '../../db/src/app.ts';\nexport { buildApp };\n")).toEqual([
      'crossService',
    ]);
    expect(await boundaryErrors(product, "export { buildApp } from '@archaics/db-service';\n")).toEqual(['crossService']);
    expect(await boundaryErrors(product, "export const load = () => import('@archaics/auth-service');\n")).toEqual(['crossService']);
  });

  it('fails a deep import into a package instead of its public entry points', async () => {
    expect(
      await boundaryErrors(product, "import { createServer } from '@archaics/server/src/create-server.ts';\nexport { createServer };\n"),
    ).toEqual(['notExported']);
    expect(
      await boundaryErrors(product, "import { createServer } from '../../../packages/server/src/index.ts';\nexport { createServer };\n"),
    ).toEqual(['relativeIntoWorkspace']);
    expect(
      await boundaryErrors('bench/__lint_probe__.ts', "export { IsolationForest } from '../services/anomaly-detector/src/index.ts';\n"),
    ).toEqual(['relativeIntoWorkspace']);
  });

  it('fails an import of a package that is not a workspace', async () => {
    expect(await boundaryErrors(product, "export { loadConfig } from '@archaics/common';\n")).toEqual(['unknownPackage']);
  });

  it('fails an app that imports a service', async () => {
    expect(await boundaryErrors('apps/cli/src/__lint_probe__.ts', "export { featureVector } from '@archaics/anomaly-detector';\n")).toEqual(
      ['wrongLayer'],
    );
  });

  it('fails I/O in the contracts', async () => {
    const contracts = 'packages/contracts/src/__lint_probe__.ts';
    expect(await boundaryErrors(contracts, "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n")).toEqual([
      'contractsIo',
    ]);
    expect(await boundaryErrors(contracts, "import { request } from 'http';\nexport const get = request;\n")).toEqual(['contractsIo']);
    expect(await boundaryErrors(contracts, "export { default as fastify } from 'fastify';\n")).toEqual(['contractsIo']);
    expect(await boundaryErrors(contracts, "export { seededRandom } from '@archaics/runtime';\n")).toEqual(['contractsIo']);
  });

  it('passes imports through public entry points, within a workspace and of pure modules', async () => {
    const clean = [
      "import { createServer } from '@archaics/server';",
      "import { captureLogger } from '@archaics/server/testing';",
      "import { openDatabase } from '@archaics/runtime/sqlite';",
      "import { PRODUCTS } from './domain/catalogue.ts';",
      'export { createServer, captureLogger, openDatabase, PRODUCTS };',
      '',
    ].join('\n');
    expect(await boundaryErrors(product, clean)).toEqual([]);
    expect(
      await boundaryErrors(
        'packages/contracts/src/__lint_probe__.ts',
        "import { Type } from '@sinclair/typebox';\nimport { createHash } from 'node:crypto';\nexport { Type, createHash };\n",
      ),
    ).toEqual([]);
  });

  it('lets only test files share the whole-stack harness in e2e/support', async () => {
    const harness = "export { startTestStack } from '../../../e2e/support/test-stack.ts';\n";
    expect(await boundaryErrors('services/ai-operator/test/__lint_probe__.test.ts', harness)).toEqual([]);
    expect(
      await boundaryErrors(
        'services/ai-operator/src/domain/__lint_probe__.ts',
        `export { startTestStack } from '../../../../e2e/support/test-stack.ts';\n`,
      ),
    ).toEqual(['leavesWorkspace']);
  });
});

describe('eslint.config.js rules', () => {
  it('turns on no-floating-promises and consistent-type-imports for TypeScript with type information', async () => {
    const config = (await eslint.calculateConfigForFile(`${ROOT}services/product/src/app.ts`)) as Linter.Config;
    const severity = (rule: string): unknown => {
      const entry = config.rules?.[rule];
      return Array.isArray(entry) ? entry[0] : entry;
    };
    expect(severity('@typescript-eslint/no-floating-promises')).toBe(2);
    expect(severity('@typescript-eslint/consistent-type-imports')).toBe(2);
    expect(severity(BOUNDARIES)).toBe(2);
    expect(config.languageOptions?.parserOptions).toMatchObject({ projectService: true });
  });
});
