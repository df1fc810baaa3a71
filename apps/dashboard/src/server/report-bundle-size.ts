import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_ROOT } from './config.ts';
import { BUNDLE_LIMIT_BYTES, bundleSize } from './bundle-size.ts';

// Run by `npm run build -w @archaics/dashboard` after `vite build`: prints the gzipped total, fails over the budget.
const dist = join(DASHBOARD_ROOT, 'dist');
const { files, gzipTotal } = bundleSize(dist);
const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
for (const f of files) process.stdout.write(`  ${f.file.padEnd(40)} ${kb(f.bytes).padStart(10)}  gzip ${kb(f.gzipBytes).padStart(9)}\n`);
process.stdout.write(`production bundle: ${kb(gzipTotal)} gzipped (budget ${kb(BUNDLE_LIMIT_BYTES)})\n`);
// The server treats a build newer than this stamp's sources as current.
writeFileSync(join(dist, '.build-stamp'), new Date().toISOString());
if (gzipTotal > BUNDLE_LIMIT_BYTES) {
  process.stderr.write(`the bundle is over its budget by ${kb(gzipTotal - BUNDLE_LIMIT_BYTES)}\n`);
  process.exit(1);
}
