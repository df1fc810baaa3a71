import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYABLES, DOCKER_DIR, dockerfiles, parseDockerfile, readYaml, ROOT } from './infra-files.ts';

const workspaceOf = (dir: string): string => (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string }).name;

/** The workspaces a workspace needs at run time, itself included (its `@archaics/*` dependencies, transitively). */
function workspaceClosure(dir: string): string[] {
  const dirs = new Map<string, string>();
  for (const parent of ['packages', 'services', 'apps']) {
    for (const entry of readdirSafe(join(ROOT, parent))) dirs.set(workspaceOf(`${parent}/${entry}`), `${parent}/${entry}`);
  }
  dirs.set(workspaceOf('load'), 'load');
  const seen = new Set<string>();
  const visit = (d: string): void => {
    if (seen.has(d)) return;
    seen.add(d);
    const pkg = JSON.parse(readFileSync(join(ROOT, d, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const target = dirs.get(name);
      if (target) visit(target);
    }
  };
  visit(dir);
  return [...seen].sort();
}

function readdirSafe(path: string): string[] {
  return existsSync(path) ? readdirSync(path).filter((e) => existsSync(join(path, e, 'package.json'))) : [];
}

describe('Dockerfiles', () => {
  it('has one per deployable, and nothing else', () => {
    expect([...dockerfiles().keys()].sort()).toEqual(DEPLOYABLES.map((d) => d.image).sort());
  });

  it.each(DEPLOYABLES.map((d) => [d.image, d] as const))(
    '%s: multi-stage, non-root, every COPY source exists, its workspace and its dependencies copied',
    (image, d) => {
      const path = dockerfiles().get(image)!;
      const instructions = parseDockerfile(readFileSync(path, 'utf8'));
      const froms = instructions.filter((i) => i.keyword === 'FROM');
      expect(froms.length).toBeGreaterThanOrEqual(2);
      // Debian slim: better-sqlite3's prebuilt binaries are for glibc.
      for (const from of froms) expect(from.args).toMatch(/^(node:20-bookworm-slim|deps)( AS \w+)?$/);
      // A .dockerignore for this Dockerfile keeps node_modules out of the context.
      expect(readFileSync(`${path}.dockerignore`, 'utf8')).toMatch(/^\*\*\/node_modules$/m);

      const stages = froms.map((f) => / AS (\w+)$/.exec(f.args)?.[1]);
      const copied: string[] = [];
      for (const copy of instructions.filter((i) => i.keyword === 'COPY')) {
        const words = copy.args.split(/\s+/);
        const fromStage = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const sources = paths.slice(0, -1);
        expect(sources.length, `line ${copy.line}`).toBeGreaterThan(0);
        if (fromStage) {
          expect(stages, `line ${copy.line}: stage ${fromStage}`).toContain(fromStage);
          continue;
        }
        for (const source of sources) {
          // Sources are relative to the build context, the repository root.
          expect(existsSync(resolve(ROOT, source)), `${image}.Dockerfile line ${copy.line}: ${source}`).toBe(true);
          copied.push(source.replace(/\/$/, ''));
        }
      }
      const runtime = instructions.slice(instructions.lastIndexOf(froms.at(-1)!));
      // The workspace and every workspace it depends on are in the image, manifests and sources.
      for (const dir of workspaceClosure(d.dir)) {
        expect(copied, `${image}: ${dir}/package.json`).toContain(`${dir}/package.json`);
        expect(copied, `${image}: ${dir}`).toContain(dir);
      }
      expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
      // Production dependencies of this workspace only, from the lockfile.
      const install = instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci --omit=dev'));
      expect(install?.args).toContain(`-w ${workspaceOf(d.dir)} --include-workspace-root`);
      // Runs as the image's non-root user, from the workspace, with tsx (a root dependency).
      const user = runtime.filter((i) => i.keyword === 'USER').at(-1);
      expect(user?.args).toBe('node');
      const workdir = runtime.filter((i) => i.keyword === 'WORKDIR').at(-1)!.args;
      expect(workdir).toBe(`/app/${d.dir}`);
      const cmd = JSON.parse(runtime.find((i) => i.keyword === 'CMD')!.args) as string[];
      expect(cmd.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
      expect(existsSync(join(ROOT, d.dir, cmd[3]!)), `${d.dir}/${cmd[3]}`).toBe(true);
      expect(runtime.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/health'))).toBe(true);
      expect(runtime.find((i) => i.keyword === 'EXPOSE')?.args).toBe(String(d.port));
      const env = runtime
        .filter((i) => i.keyword === 'ENV')
        .map((i) => i.args)
        .join(' ');
      expect(env).toContain('HOST=0.0.0.0');
      expect(env).toContain(`PORT=${d.port}`);
      expect(env).toContain('ARCHAICS_HOME=/var/lib/archaics');
    },
  );

  it('keeps tsx where the images run it: a root dependency, not a dev one', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(root.dependencies.tsx).toBeDefined();
  });
});

describe('infra/docker/docker-compose.yml', () => {
  const compose = readYaml(join(DOCKER_DIR, 'docker-compose.yml'));
  const services = compose.services as Record<string, any>;

  it('builds every deployable from the repository root with its Dockerfile, image named as in Kubernetes', () => {
    const built = Object.entries(services).filter(([, s]) => s.build);
    expect(built.map(([name]) => name).sort()).toEqual(DEPLOYABLES.map((d) => d.image).sort());
    for (const [name, service] of built) {
      expect(resolve(DOCKER_DIR, service.build.context), name).toBe(ROOT);
      expect(existsSync(resolve(ROOT, service.build.dockerfile)), `${name}: ${service.build.dockerfile}`).toBe(true);
      expect(service.build.dockerfile).toBe(`infra/docker/${name}.Dockerfile`);
      expect(service.image).toBe(`${name}:latest`);
    }
  });

  it('health-checks every service it builds, and product and payment wait for healthy auth and db', () => {
    for (const d of DEPLOYABLES) {
      const service = services[d.image];
      expect(service.healthcheck?.test?.join(' '), d.image).toContain('/health');
      expect(service.environment.PORT).toBe(String(d.port));
      expect(service.environment.HOST).toBe('0.0.0.0');
      expect(service.ports).toContain(`${d.port}:${d.port}`);
      expect(service.read_only).toBe(true);
      expect(service.user).toBe('1000:1000');
    }
    for (const name of ['product-service', 'payment-service']) {
      expect(services[name].depends_on).toEqual({
        'auth-service': { condition: 'service_healthy' },
        'db-service': { condition: 'service_healthy' },
      });
    }
  });

  it('runs Prometheus, Jaeger with OTLP, Loki with Promtail and Grafana, and points the services at them', () => {
    for (const name of ['prometheus', 'jaeger', 'loki', 'promtail', 'grafana']) expect(services[name]?.image, name).toMatch(/:[\w.]+$/);
    expect(services.jaeger.environment.COLLECTOR_OTLP_ENABLED).toBe('true');
    const aliases: string[] = services.jaeger.networks.default.aliases;
    expect(services['auth-service'].environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      `http://${aliases.find((a) => a.endsWith('collector'))}:4318`,
    );
    for (const name of ['anomaly-detector', 'ai-operator', 'dashboard']) {
      expect(services[name].environment.PROMETHEUS_URL).toBe('http://prometheus:9090');
    }
    // Service URLs name compose services on their ports.
    for (const [key, value] of Object.entries(services['auth-service'].environment as Record<string, string>)) {
      if (!key.endsWith('_URL') || key.startsWith('OTEL')) continue;
      const url = new URL(value);
      expect(services[url.hostname], `${key}=${value}`).toBeDefined();
    }
  });

  it('mounts only files that exist: the Prometheus config and rules, Promtail, Loki, Grafana provisioning and dashboards', () => {
    const mounts = Object.values(services)
      .flatMap((s: any) => (s.volumes ?? []) as string[])
      .filter((v) => v.startsWith('.'));
    expect(mounts.length).toBeGreaterThanOrEqual(7);
    for (const mount of mounts) {
      const source = mount.split(':')[0]!;
      expect(existsSync(resolve(DOCKER_DIR, source)), mount).toBe(true);
    }
    const named = Object.values(services)
      .flatMap((s: any) => (s.volumes ?? []) as string[])
      .filter((v) => !v.startsWith('.') && !v.startsWith('/'));
    for (const volume of named) expect(Object.keys(compose.volumes), volume).toContain(volume.split(':')[0]);
  });
});
