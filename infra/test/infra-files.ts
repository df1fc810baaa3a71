import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { SERVICE_PORTS } from '@archaics/contracts';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const INFRA = join(ROOT, 'infra');
export const DOCKER_DIR = join(INFRA, 'docker');
export const K8S_BASE = join(INFRA, 'k8s/base');
export const K8S_OBSERVABILITY = join(INFRA, 'k8s/observability');

/** A Kubernetes object as kustomize renders it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
}

/** `kubectl kustomize <dir>`, parsed; throws with kubectl's message when it cannot render. */
export function renderKustomize(dir: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl not found in PATH: the manifests are rendered with `kubectl kustomize`');
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseYamlDocuments(out, dir) as K8sObject[];
}

/** Every document of a YAML stream; a syntax error throws naming the source. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** Debian's prometheus package (.ci/apt-packages) ships it. */
export const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool; returns its output, or throws with it. */
export function promtool(...args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

export function readYaml<T = any>(path: string): T {
  // merge: compose files use YAML merge keys (`<<: *anchor`).
  return parseYaml(readFileSync(path, 'utf8'), { merge: true }) as T;
}

/** The Dockerfiles of infra/docker, by image name (`auth-service.Dockerfile` → `auth-service`). */
export function dockerfiles(): Map<string, string> {
  return new Map(
    readdirSync(DOCKER_DIR)
      .filter((f) => f.endsWith('.Dockerfile'))
      .map((f) => [f.slice(0, -'.Dockerfile'.length), join(DOCKER_DIR, f)]),
  );
}

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = `${line.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** The business deployables and their images: what infra/k8s/base and compose must run. */
export const DEPLOYABLES = [
  { image: 'auth-service', dir: 'services/auth', port: SERVICE_PORTS['auth-service'] },
  { image: 'db-service', dir: 'services/db', port: SERVICE_PORTS['db-service'] },
  { image: 'product-service', dir: 'services/product', port: SERVICE_PORTS['product-service'] },
  { image: 'payment-service', dir: 'services/payment', port: SERVICE_PORTS['payment-service'] },
  { image: 'ai-operator', dir: 'services/ai-operator', port: SERVICE_PORTS['ai-operator'] },
  { image: 'anomaly-detector', dir: 'services/anomaly-detector', port: SERVICE_PORTS['anomaly-detector'] },
  { image: 'dashboard', dir: 'apps/dashboard', port: SERVICE_PORTS.dashboard },
] as const;
