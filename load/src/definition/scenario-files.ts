import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefinitionError, NAME_PATTERN, parseScenario, type ScenarioDefinition } from './scenario-definition.ts';

/** The `load/` folder: `scenarios/*.json` and `journeys/*.json`, read by this runner and by the k6 scripts. */
export const LOAD_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const SCENARIOS_DIR = join(LOAD_DIR, 'scenarios');
export const JOURNEYS_DIR = join(LOAD_DIR, 'journeys');

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DefinitionError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DefinitionError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** The names of the shared scenarios (`load/scenarios/*.json`). */
export function scenarioNames(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => basename(file, '.json'))
    .sort();
}

/**
 * Loads a shared scenario by name (`normal`), or a definition file by path (`./my.json`); a journey given by
 * name is read from `../journeys/` beside the file, as the k6 scripts do, else from `load/journeys/`.
 */
export function loadScenario(nameOrPath: string): ScenarioDefinition {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  if (!isPath && !NAME_PATTERN.test(nameOrPath)) throw new DefinitionError(`"${nameOrPath}" is not a scenario name`);
  const path = isPath ? resolve(nameOrPath) : join(SCENARIOS_DIR, `${nameOrPath}.json`);
  if (!isPath && !existsSync(path)) {
    throw new DefinitionError(`no scenario "${nameOrPath}" (known: ${scenarioNames().join(', ')})`);
  }
  const journeyByName = (name: string): unknown => {
    if (!NAME_PATTERN.test(name)) throw new DefinitionError(`${path}: journey "${name}" is not a journey name`);
    const beside = join(dirname(path), '..', 'journeys', `${name}.json`);
    return readJson(existsSync(beside) ? beside : join(JOURNEYS_DIR, `${name}.json`));
  };
  const definition = parseScenario(readJson(path), path, { shared: true, journeyByName });
  if (!isPath && definition.name !== nameOrPath) throw new DefinitionError(`${path}: name must be "${nameOrPath}", as the file`);
  return definition;
}
