import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand } from './registry.ts';

describe('COMMANDS', () => {
  it('loads, for every entry, the command of that name with its usage', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.usage).toMatch(new RegExp(`^archaics ${entry.name}\\b`));
      expect(command.usage.endsWith('\n')).toBe(true);
      expect(entry.summary.length).toBeGreaterThan(0);
    }
  });

  it('names each command once', () => {
    const names = COMMANDS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    expect(findCommand('status')?.name).toBe('status');
    expect(findCommand('nope')).toBeUndefined();
  });
});
