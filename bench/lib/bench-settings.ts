import { ConfigError, envReader } from '@archaics/runtime';

const read = envReader();

/** An integer setting of a bench from the environment; a bad value stops the bench (exit 2) naming it. */
export function benchInt(name: string, fallback: number, min: number, max: number): number {
  try {
    return read.int(name, fallback, { min, max });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
}
