#!/usr/bin/env node
// The `archaics` command: TypeScript runs through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Nothing should be left running; if a stray handle remains, do not hang on it.
setTimeout(() => process.exit(), 2000).unref();
