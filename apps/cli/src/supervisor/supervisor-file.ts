import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readSupervisorFile, supervisorFilePath, type SupervisorFile } from '@archaics/runtime';

// The file's shape and its reader live with the state folder in @archaics/runtime (the clients read it too).
export { readSupervisorFile, supervisorFilePath };
export type { SupervisorFile };

export function writeSupervisorFile(home: string, file: SupervisorFile): void {
  const path = supervisorFilePath(home);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(temp, path);
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
