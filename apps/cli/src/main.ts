import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CommandError, UsageError, type CommandContext } from './commands/command.ts';
import { overview } from './commands/help.command.ts';
import { COMMANDS, findCommand } from './commands/registry.ts';

/** Runs `archaics <command> ...` and returns the exit code. */
export async function main(argv: readonly string[], context: CommandContext = defaultContext()): Promise<number> {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const first = tokens.find((token) => token.kind === 'positional');
  const globals = tokens.filter((token) => token.kind === 'option' && (!first || token.index < first.index));
  if (globals.some((token) => token.kind === 'option' && token.name === 'version')) {
    context.stdout.write(`${await version()}\n`);
    return 0;
  }
  if (!first || first.kind !== 'positional') {
    context.stdout.write(overview(COMMANDS));
    return globals.length > 0 ? 0 : 2;
  }
  const entry = findCommand(first.value);
  if (!entry) {
    context.stderr.write(`archaics: unknown command "${first.value}"\n\n${overview(COMMANDS)}`);
    return 2;
  }
  const command = await entry.load();
  const rest = argv.slice(first.index + 1);
  // Every command's -h/--help is answered here, from the usage it declares.
  if (asksForHelp(rest)) {
    context.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      context.stderr.write(
        `archaics ${command.name}: ${(error as Error).message}\nrun \`archaics help ${command.name}\` for its options\n`,
      );
      return 2;
    }
    // The configuration is read by the command's own modules: @archaics/runtime is loaded by now.
    const { ConfigError } = await import('@archaics/runtime');
    if (error instanceof ConfigError || error instanceof CommandError) {
      context.stderr.write(`archaics ${command.name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function defaultContext(): CommandContext {
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

function asksForHelp(args: readonly string[]): boolean {
  const { tokens } = parseArgs({
    args: [...args],
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return tokens.some((token) => token.kind === 'option' && token.name === 'help');
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

async function version(): Promise<string> {
  const { REPO_ROOT } = await import('./supervisor/stack.ts');
  try {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version?: string };
    return `archaics ${manifest.version ?? 'unknown'}`;
  } catch {
    return 'archaics unknown';
  }
}
