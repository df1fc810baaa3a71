import { describe, expect, it } from 'vitest';
import type { CommandContext } from './commands/command.ts';
import { main } from './main.ts';

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const context: CommandContext = {
    env,
    cwd: process.cwd(),
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  };
  const code = await main(argv, context);
  return { code, out, err };
}

describe(main.name, () => {
  it('lists the commands with help', async () => {
    const { code, out } = await run(['help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}up +start the whole stack/m);
  });

  it('shows the usage of one command', async () => {
    expect((await run(['help', 'up'])).out).toContain('ARCHAICS_PORT_OFFSET');
    expect((await run(['up', '--help'])).out).toContain('--quiet');
  });

  it('exits 2 on an unknown command or option, naming it', async () => {
    expect(await run(['nope'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "nope"') });
    expect(await run(['up', '--nope'])).toMatchObject({ code: 2, err: expect.stringContaining("'--nope'") });
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    expect(await run(['up'], { ARCHAICS_PORT_OFFSET: 'abc' })).toMatchObject({
      code: 1,
      err: expect.stringContaining('ARCHAICS_PORT_OFFSET'),
    });
  });
});
