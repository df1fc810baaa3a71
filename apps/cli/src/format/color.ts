import type { Env } from '@archaics/runtime';
import type { OutputStream } from '../commands/command.ts';

const CODES = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m' } as const;
export type Color = keyof typeof CODES;

/** Wraps text in a colour when the output is a terminal and `NO_COLOR` is not set; otherwise returns it as is. */
export type Painter = (color: Color, text: string) => string;

export function painterFor(stream: OutputStream, env: Env): Painter {
  const enabled = Boolean(stream.isTTY) && !env.NO_COLOR;
  return (color, text) => (enabled && text !== '' ? `${CODES[color]}${text}\x1b[0m` : text);
}
