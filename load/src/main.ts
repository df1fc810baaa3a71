// `node --import tsx load/src/main.ts run NAME ...`: the built-in load runner's command line.
// Ctrl-C once stops the run and still prints the summary (and resets injected faults); twice quits at once.
import { runLoadCli } from './cli/load-cli.ts';

const controller = new AbortController();
let signals = 0;
const onSignal = (): void => {
  signals++;
  if (signals > 1) process.exit(130);
  process.stderr.write('\nload: stopping (Ctrl-C again to quit at once)\n');
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runLoadCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Nothing should be left running; if something is, it must not keep the process alive.
setTimeout(() => process.exit(code), 1_000).unref();
