import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<home>/supervisor.json`: how the CLI, dashboard and operator find a running supervisor. */
export interface SupervisorFile {
  readonly pid: number;
  readonly control_url: string;
  readonly started_at: string;
  readonly services: ReadonlyArray<{ readonly name: string; readonly url: string }>;
}

export function supervisorFilePath(home: string): string {
  return join(home, 'supervisor.json');
}

export function writeSupervisorFile(home: string, file: SupervisorFile): void {
  const path = supervisorFilePath(home);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(temp, path);
}

/** The file's content, or null when there is none or it does not parse. */
export function readSupervisorFile(home: string): SupervisorFile | null {
  let text: string;
  try {
    text = readFileSync(supervisorFilePath(home), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<SupervisorFile>;
    if (typeof value.pid !== 'number' || typeof value.control_url !== 'string' || !Array.isArray(value.services)) return null;
    return value as SupervisorFile;
  } catch {
    return null;
  }
}

/** Removes the file if it still belongs to the given supervisor process. */
export function removeSupervisorFile(home: string, pid: number): void {
  if (readSupervisorFile(home)?.pid === pid) rmSync(supervisorFilePath(home), { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
