import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The production bundle's budget, gzipped (issue 7: ≤ 500 kB). */
export const BUNDLE_LIMIT_BYTES = 500 * 1000;

/** Gzipped size of each JS and CSS file of a build's `assets/`, and their total. */
export function bundleSize(distDir: string): { files: Array<{ file: string; bytes: number; gzipBytes: number }>; gzipTotal: number } {
  const assets = join(distDir, 'assets');
  const files = readdirSync(assets)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const content = readFileSync(join(assets, file));
      return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    });
  return { files, gzipTotal: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}
