import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) by bucket (package or part of Node) and by function. */
export interface ProfileSummary {
  buckets: Map<string, number>;
  functions: Map<string, number>;
}

/** Where a sampled function lives: a package, a part of the repo, a piece of Node, or V8 itself. */
export function bucketOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)' || functionName === '(program)' || functionName === '(idle)') return functionName;
  if (url === '') return '(native: syscalls, V8 builtins)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  const pkg = /\/packages\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(url);
  if (pkg) return `@archaics/${pkg[1]}${pkg[2] ? ` ${pkg[2]}` : ''}`;
  if (/\/services\/[^/]+\/src\//.test(url)) return 'service code';
  if (url.startsWith('node:')) {
    const path = url
      .slice('node:'.length)
      .replace(/^internal\//, '')
      .replace(/^_/, '');
    return `node:${path.split('/')[0] ?? path}`;
  }
  return url;
}

function functionOf(url: string, functionName: string, lineNumber: number): string {
  const name = functionName || '(anonymous)';
  if (url === '') return name;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return `${name} (${url.slice(modules + '/node_modules/'.length)}:${lineNumber + 1})`;
  if (url.startsWith('node:')) return `${name} (${url}:${lineNumber + 1})`;
  // Repository files run through tsx: V8's line numbers are those of the transpiled code.
  return `${name} (${url.replace(/^file:\/\/.*?\/(packages|services|bench)\//, '$1/')})`;
}

/** The main thread's profile among the files `--cpu-prof` wrote (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`). */
export function isMainThreadProfile(fileName: string): boolean {
  const parts = fileName.split('.');
  return parts.length >= 7 && parts[parts.length - 3] === '0';
}

/**
 * Self time (ms) in a `.cpuprofile` written by `node --cpu-prof`, counting only the samples
 * of the last `lastMs` milliseconds before the profile ended (the process exit), so
 * start-up and warm-up stay out.
 */
export function summariseProfile(path: string, lastMs = Number.POSITIVE_INFINITY): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  const from = profile.endTime - lastMs * 1000;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from) continue;
    const frame = byId.get(profile.samples[i] ?? -1)?.callFrame;
    if (!frame) continue;
    const bucket = bucketOf(frame.url, frame.functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta / 1000);
    if (bucket === '(idle)') continue;
    const fn = functionOf(frame.url, frame.functionName, frame.lineNumber);
    functions.set(fn, (functions.get(fn) ?? 0) + delta / 1000);
  }
  return { buckets, functions };
}
