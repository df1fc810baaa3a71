import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { BusinessService } from '@archaics/contracts';
import type { Platform } from './platform.ts';

export interface KubernetesPlatformOptions {
  readonly namespace: string;
  /** Default: in-cluster config when KUBERNETES_SERVICE_HOST is set, else the default kubeconfig. */
  readonly kubeConfig?: KubeConfig;
  readonly now?: () => Date;
}

/** The field manager the operator's patches are recorded under. */
export const FIELD_MANAGER = 'archaics-ai-operator';

/** kubectl's format for restartedAt: RFC 3339 without fractional seconds. */
export function restartedAt(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Restart and scale on Kubernetes: a rollout restart is the strategic merge patch
 * `kubectl rollout restart` sends (a new `kubectl.kubernetes.io/restartedAt` annotation on
 * the pod template); scale patches the Deployment's scale subresource. Deployments are
 * named after the services.
 */
export class KubernetesPlatform implements Platform {
  readonly kind = 'kubernetes';
  private readonly apps: AppsV1Api;
  private readonly now: () => Date;

  constructor(private readonly options: KubernetesPlatformOptions) {
    let config = options.kubeConfig;
    if (!config) {
      config = new KubeConfig();
      if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
      else config.loadFromDefault();
    }
    this.apps = config.makeApiClient(AppsV1Api);
    this.now = options.now ?? (() => new Date());
  }

  async restart(service: BusinessService): Promise<string> {
    const at = restartedAt(this.now());
    await this.apps.patchNamespacedDeployment(
      {
        name: service,
        namespace: this.options.namespace,
        fieldManager: FIELD_MANAGER,
        body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    return `rollout restart of deployment/${service} in ${this.options.namespace} (restartedAt ${at})`;
  }

  async scale(service: BusinessService, replicas: number): Promise<string> {
    await this.apps.patchNamespacedDeploymentScale(
      { name: service, namespace: this.options.namespace, fieldManager: FIELD_MANAGER, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    return `scaled deployment/${service} in ${this.options.namespace} to ${replicas} replicas`;
  }
}
