// node --import ./register.mjs harness.mjs SCRIPT...: loads each k6 script with the fakes (k6's `open()`
// reads relative to the script, `__ENV` from K6_ENV as JSON), runs setup() and two iterations of the
// default function as VU 1, and prints what happened as JSON.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { recorded } from './k6.mjs';
import { requests } from './k6-http.mjs';

const results = [];
for (const script of process.argv.slice(2)) {
  globalThis.__ENV = JSON.parse(process.env.K6_ENV ?? '{}');
  globalThis.__VU = 1;
  globalThis.open = (path) => readFileSync(resolve(dirname(script), path), 'utf8');
  try {
    const module = await import(pathToFileURL(resolve(script)).href);
    recorded.checks.length = 0;
    recorded.sleeps.length = 0;
    requests.length = 0;
    const data = typeof module.setup === 'function' ? module.setup() : undefined;
    const setupRequests = requests.splice(0);
    const iterations = [];
    for (let i = 0; i < 2; i++) {
      module.default(data);
      iterations.push(requests.splice(0));
    }
    results.push({
      script,
      options: module.options,
      setupRequests,
      iterations,
      checks: [...recorded.checks],
      sleeps: [...recorded.sleeps],
    });
  } catch (error) {
    results.push({ script, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
