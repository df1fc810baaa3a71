#!/usr/bin/env node
// The `archaics` command: runs the compiled CLI in apps/cli/dist (`npm run build` writes it;
// `npm ci`, `npm start` and `npm test` build it first). Services still run through tsx.
let cli;
try {
  cli = await import('../dist/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist')) throw error;
  process.stderr.write('archaics: the CLI is not built (apps/cli/dist/main.js is missing); run `npm run build`\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
// Nothing should be left running; if a stray handle remains, do not hang on it.
setTimeout(() => process.exit(), 2000).unref();
