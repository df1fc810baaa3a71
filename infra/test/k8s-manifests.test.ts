import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as coreV1 from 'kubernetes-models/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { DEPLOYABLES, dockerfiles, K8S_BASE, K8S_OBSERVABILITY, renderKustomize, ROOT, type K8sObject } from './infra-files.ts';

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

// The schema classes of kubernetes-models (the Kubernetes API's OpenAPI schemas), by apiVersion/kind.
const MODELS = new Map<string, ModelClass>();
for (const group of [coreV1, appsV1, networkingV1, rbacV1] as Record<string, unknown>[]) {
  for (const value of Object.values(group)) {
    const model = value as Partial<ModelClass>;
    if (typeof value === 'function' && typeof model.kind === 'string' && typeof model.apiVersion === 'string') {
      MODELS.set(`${model.apiVersion}/${model.kind}`, value as ModelClass);
    }
  }
}

let base: K8sObject[];
let observability: K8sObject[];

beforeAll(() => {
  base = renderKustomize(K8S_BASE);
  observability = renderKustomize(K8S_OBSERVABILITY);
});

const find = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const byKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
const workloads = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');

/** The schema errors of one object, or a note that no schema is known for its kind. */
function schemaErrors(object: K8sObject): string | null {
  const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  if (!model) return `no schema for ${object.apiVersion}/${object.kind}`;
  try {
    new model(object).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Kubernetes schema validation', () => {
  it('finds the schema of every kind the manifests use, and rejects a broken object', () => {
    const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } } as K8sObject;
    expect(schemaErrors(broken)).toMatch(/selector/);
    const wrongType = structuredClone(find(base, 'Deployment', 'db-service')!);
    wrongType.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(schemaErrors(wrongType)).toMatch(/containerPort must be integer/);
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toMatch(/no schema/);
  });

  it.each([
    ['infra/k8s/base', () => base],
    ['infra/k8s/observability', () => observability],
  ])('renders %s and every object passes the API schema of its kind', (_dir, objects) => {
    const rendered = objects();
    expect(rendered.length).toBeGreaterThan(10);
    const errors = rendered.map((o) => [`${o.kind}/${o.metadata.name}`, schemaErrors(o)]).filter(([, e]) => e !== null);
    expect(errors).toEqual([]);
  });
});

describe('infra/k8s/base', () => {
  it('puts every namespaced object in the archaics namespace, whose pods must be restricted', () => {
    const namespace = find(base, 'Namespace', 'archaics');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of base.filter((x) => x.kind !== 'Namespace'))
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('archaics');
  });

  it.each(DEPLOYABLES.map((d) => [d.image, d] as const))(
    'runs %s: its image, port, probes, limits, service account, restricted security context',
    (name, d) => {
      const deployment = find(base, 'Deployment', name);
      expect(deployment, `Deployment ${name}`).toBeDefined();
      expect(dockerfiles().has(name), `infra/docker/${name}.Dockerfile`).toBe(true);
      const pod = deployment!.spec.template.spec;
      expect(deployment!.spec.selector.matchLabels).toEqual({ app: name });
      expect(deployment!.spec.template.metadata.labels.app).toBe(name);
      expect(pod.containers).toHaveLength(1);
      const [container] = pod.containers;
      expect(container.image).toBe(`${name}:latest`);
      expect(container.imagePullPolicy).not.toBe('Always');
      expect(container.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: d.port })]);
      expect(container.env).toContainEqual({ name: 'PORT', value: String(d.port) });
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        expect(container[probe]?.httpGet, `${name} ${probe}`).toEqual({ path: '/health', port: 'http' });
      }
      for (const key of ['requests', 'limits']) {
        expect(container.resources[key].cpu, `${name} ${key}.cpu`).toBeTruthy();
        expect(container.resources[key].memory, `${name} ${key}.memory`).toBeTruthy();
      }
      // The restricted Pod Security Standard, and a read-only root filesystem.
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.hostNetwork ?? false).toBe(false);
      // Writable places: the state folder and /tmp (tsx's cache), nothing else.
      expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(['/tmp', '/var/lib/archaics']);
      expect(find(base, 'ServiceAccount', pod.serviceAccountName), `ServiceAccount ${pod.serviceAccountName}`).toBeDefined();
      expect(pod.automountServiceAccountToken).toBe(name === 'ai-operator');
      const service = find(base, 'Service', name);
      expect(service?.spec.selector).toEqual({ app: name });
      expect(service?.spec.ports).toEqual([expect.objectContaining({ port: d.port, targetPort: 'http' })]);
    },
  );

  it('keeps db-service and auth-service SQLite on PersistentVolumeClaims, with one replica and Recreate', () => {
    for (const name of ['db-service', 'auth-service']) {
      const deployment = find(base, 'Deployment', name)!;
      const state = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'state');
      expect(state.persistentVolumeClaim?.claimName, name).toBe(`${name}-data`);
      expect(find(base, 'PersistentVolumeClaim', `${name}-data`)?.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.strategy.type).toBe('Recreate');
    }
  });

  it('gives each service only the secrets it uses, and every reference resolves', () => {
    const secret = find(base, 'Secret', 'archaics-secrets')!;
    const keys = Object.keys(secret.stringData ?? secret.data);
    expect(keys).toEqual(expect.arrayContaining(['CHAOS_TOKEN', 'JWT_SECRET', 'WEBHOOK_SECRET', 'GEMINI_API_KEY']));
    expect(secret.stringData.JWT_SECRET.length).toBeGreaterThanOrEqual(32); // auth refuses a shorter key
    const config = find(base, 'ConfigMap', 'archaics-config')!;
    const secretsOf = new Map<string, string[]>();
    for (const deployment of byKind(base, 'Deployment')) {
      const [container] = deployment.spec.template.spec.containers;
      for (const from of container.envFrom ?? []) expect(find(base, 'ConfigMap', from.configMapRef.name)).toBeDefined();
      const refs = (container.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef);
      for (const e of refs) {
        expect(e.valueFrom.secretKeyRef.name).toBe('archaics-secrets');
        expect(keys).toContain(e.valueFrom.secretKeyRef.key);
        // The ConfigMap never carries a secret's variable.
        expect(Object.keys(config.data)).not.toContain(e.name);
      }
      secretsOf.set(deployment.metadata.name, refs.map((e: any) => e.name).sort());
    }
    expect(secretsOf.get('auth-service')).toEqual(['CHAOS_TOKEN', 'JWT_SECRET']);
    expect(secretsOf.get('ai-operator')).toEqual(['CHAOS_TOKEN', 'GEMINI_API_KEY', 'WEBHOOK_SECRET']);
    expect(secretsOf.get('anomaly-detector')).toEqual(['CHAOS_TOKEN', 'WEBHOOK_SECRET']);
    for (const name of ['db-service', 'product-service']) expect(secretsOf.get(name)).toEqual(['CHAOS_TOKEN']);
    // Services find each other by Service name, and send spans to Jaeger's OTLP port.
    expect(config.data).toMatchObject({
      HOST: '0.0.0.0',
      AUTH_SERVICE_URL: 'http://auth-service:8001',
      DB_SERVICE_URL: 'http://db-service:8002',
      OTEL_EXPORTER_OTLP_ENDPOINT: expect.stringMatching(/^http:\/\/jaeger-all-in-one-collector\.observability\.svc\.cluster\.local:4318$/),
      PROMETHEUS_URL: expect.stringContaining('prometheus.observability'),
    });
  });

  /** The app labels a NetworkPolicy lets in to pods with `app: target` (same namespace), and whether other namespaces get in. */
  function allowedInto(target: string): { apps: Set<string>; otherNamespaces: string[] } {
    const apps = new Set<string>();
    const otherNamespaces: string[] = [];
    for (const policy of byKind(base, 'NetworkPolicy')) {
      const selector = policy.spec.podSelector;
      const selects =
        (selector.matchLabels === undefined && selector.matchExpressions === undefined) ||
        selector.matchLabels?.app === target ||
        (selector.matchExpressions ?? []).some((e: any) => e.key === 'app' && e.operator === 'In' && e.values.includes(target));
      if (!selects) continue;
      for (const rule of policy.spec.ingress ?? []) {
        if (!rule.from) {
          apps.add('*');
          continue;
        }
        for (const peer of rule.from) {
          if (peer.namespaceSelector)
            otherNamespaces.push(
              `${peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}/${peer.podSelector?.matchLabels?.app ?? '*'}`,
            );
          else apps.add(peer.podSelector?.matchLabels?.app ?? '*');
        }
      }
    }
    return { apps, otherNamespaces };
  }

  it('denies ingress by default; db is reached by product and payment (plus the operator and Prometheus), auth by its callers', () => {
    const defaultDeny = byKind(base, 'NetworkPolicy').find((p) => Object.keys(p.spec.podSelector).length === 0);
    expect(defaultDeny?.spec.policyTypes).toEqual(['Ingress']);
    expect(defaultDeny?.spec.ingress ?? []).toEqual([]);
    const db = allowedInto('db-service');
    expect([...db.apps].sort()).toEqual(['ai-operator', 'payment-service', 'product-service']);
    expect(db.otherNamespaces).toEqual(['observability/prometheus']);
    const auth = allowedInto('auth-service');
    expect([...auth.apps].sort()).toEqual(['ai-operator', 'dashboard', 'payment-service', 'product-service']);
    expect(auth.otherNamespaces).toEqual(['observability/prometheus']);
    expect(allowedInto('product-service').apps.has('*')).toBe(true);
  });

  it('lets the ai-operator restart and scale only the business deployments, and read nothing secret', () => {
    const role = find(base, 'Role', 'ai-operator')!;
    const binding = find(base, 'RoleBinding', 'ai-operator')!;
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'ai-operator' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ai-operator', namespace: 'archaics' }]);
    const business = ['auth-service', 'db-service', 'product-service', 'payment-service'];
    for (const rule of role.rules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
      if (rule.verbs.some((v: string) => ['patch', 'update', 'delete', 'create'].includes(v))) {
        expect(rule.resourceNames?.sort(), JSON.stringify(rule)).toEqual([...business].sort());
      }
    }
    const can = (verb: string, resource: string) => role.rules.some((r: any) => r.resources.includes(resource) && r.verbs.includes(verb));
    expect(can('patch', 'deployments')).toBe(true); // kubectl rollout restart
    expect(can('patch', 'deployments/scale')).toBe(true);
    expect(can('delete', 'pods')).toBe(false);
    expect(byKind(base, 'ClusterRole')).toEqual([]);
  });

  it('has a headless Service per scraped service, the names Prometheus discovers', () => {
    const config = readFileSync(join(K8S_OBSERVABILITY, 'prometheus/prometheus.yml'), 'utf8');
    const names = [...config.matchAll(/- names: \[([a-z-]+)-pods\.archaics\.svc\.cluster\.local\]/g)].map((m) => m[1]!);
    expect(names.sort()).toEqual(['ai-operator', 'anomaly-detector', 'auth-service', 'db-service', 'payment-service', 'product-service']);
    for (const name of names) {
      const headless = find(base, 'Service', `${name}-pods`);
      expect(headless?.spec.clusterIP, `${name}-pods`).toBe('None');
      expect(headless?.spec.selector).toEqual({ app: name });
    }
  });
});

describe('infra/k8s/observability', () => {
  it('has the Services the port-forward commands name, on those ports', () => {
    const ports = (name: string): number[] => (find(observability, 'Service', name)?.spec.ports ?? []).map((p: { port: number }) => p.port);
    expect(ports('grafana')).toEqual([3000]);
    expect(ports('jaeger-all-in-one-query')).toEqual([16686]);
    expect(ports('prometheus')).toEqual([9090]);
    expect(ports('loki')).toEqual([3100]);
    expect(ports('jaeger-all-in-one-collector')).toContain(4318);
    for (const o of observability.filter((x) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(x.kind))) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('observability');
    }
  });

  it('gives every workload probes and limits, and mounts only ConfigMaps, Secrets and ServiceAccounts that exist', () => {
    for (const workload of workloads(observability)) {
      const pod = workload.spec.template.spec;
      for (const c of pod.containers) {
        expect(c.readinessProbe, `${workload.metadata.name} readinessProbe`).toBeDefined();
        expect(c.resources?.limits?.memory, `${workload.metadata.name} limits`).toBeDefined();
        expect(c.securityContext?.allowPrivilegeEscalation, workload.metadata.name).toBe(false);
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect(find(observability, 'Secret', e.valueFrom.secretKeyRef.name)).toBeDefined();
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.configMap) expect(find(observability, 'ConfigMap', v.configMap.name), v.configMap.name).toBeDefined();
      }
      if (pod.serviceAccountName) expect(find(observability, 'ServiceAccount', pod.serviceAccountName)).toBeDefined();
      // Services select this workload's pods by their labels.
    }
    for (const service of byKind(observability, 'Service')) {
      const selected = workloads(observability).filter((w) =>
        Object.entries(service.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
      );
      expect(selected.length, `Service ${service.metadata.name} selects a workload`).toBe(1);
      const containerPorts = selected[0]!.spec.template.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
      for (const port of service.spec.ports)
        expect(containerPorts, `${service.metadata.name} → ${port.targetPort}`).toContain(port.targetPort);
    }
  });

  it('ships the repository files in its ConfigMaps unchanged: scrape config, rules, dashboards, data sources', () => {
    const configMap = (prefix: string) => observability.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${prefix}-`))!;
    const file = (path: string) => readFileSync(join(K8S_OBSERVABILITY, path), 'utf8');
    expect(configMap('prometheus-config').data['prometheus.yml']).toBe(file('prometheus/prometheus.yml'));
    expect(configMap('prometheus-config').data['alert-rules.yml']).toBe(file('prometheus/alert-rules.yml'));
    expect(configMap('grafana-datasources').data['datasources.yml']).toBe(file('grafana/datasources.yml'));
    for (const dashboard of ['archaics-services.json', 'archaics-aiops.json']) {
      expect(configMap('grafana-dashboards').data[dashboard]).toBe(file(`grafana/dashboards/${dashboard}`));
    }
    const prometheus = find(observability, 'Deployment', 'prometheus')!.spec.template.spec.containers[0];
    expect(prometheus.args).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(prometheus.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/prometheus' });
  });
});

describe('the seed commands', () => {
  it('port-forward scripts forward exactly to Services that exist, in the namespaces named', async () => {
    const { execFileSync } = await import('node:child_process');
    const listed = execFileSync('bash', [join(ROOT, 'scripts/port-forward.sh'), '--list'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const ps1 = readFileSync(join(ROOT, 'scripts/port-forward.ps1'), 'utf8');
    const fromPs1 = [...ps1.matchAll(/Namespace = '([a-z-]+)'; Target = '(svc\/[a-z-]+)'; Ports = '(\d+:\d+)'/g)].map(
      (m) => `kubectl port-forward ${m[2]} ${m[3]} -n ${m[1]}`,
    );
    expect(fromPs1).toEqual(listed);
    expect(listed).toHaveLength(9);
    for (const line of listed) {
      const [, name, local, remote, namespace] = /^kubectl port-forward svc\/([a-z-]+) (\d+):(\d+) -n ([a-z]+)$/.exec(line)!;
      const objects = namespace === 'archaics' ? base : observability;
      const service = find(objects, 'Service', name!);
      expect(service, line).toBeDefined();
      expect(
        service!.spec.ports.map((p: { port: number }) => p.port),
        line,
      ).toContain(Number(remote));
      expect(local).toBe(remote);
    }
  });

  it('has a generate_errors.ps1 beside generate_errors.sh', () => {
    expect(existsSync(join(ROOT, 'scripts/generate_errors.sh'))).toBe(true);
    expect(existsSync(join(ROOT, 'scripts/generate_errors.ps1'))).toBe(true);
  });
});
