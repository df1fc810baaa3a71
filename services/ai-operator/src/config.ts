import { join } from 'node:path';
import {
  ConfigError,
  envReader,
  readBaseConfig,
  readUpstreamConfig,
  resolveWebhookSecret,
  stateDir,
  type BaseServiceConfig,
  type Env,
  type UpstreamConfig,
} from '@archaics/runtime';
import { BUSINESS_SERVICES, OPERATOR_MODES, type BusinessService, type OperatorMode } from '@archaics/contracts';

export const LLM_PROVIDERS = ['none', 'gemini', 'openai'] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];

export interface LlmConfig {
  readonly provider: LlmProviderName;
  /** null for `none`. */
  readonly model: string | null;
  readonly apiKey: string | undefined;
  /** `GEMINI_BASE_URL` / `OPENAI_BASE_URL`; undefined = the provider's own endpoint. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
}

export type ExecutorKind = 'local' | 'kubernetes';

export interface OperatorConfig extends BaseServiceConfig {
  readonly mode: OperatorMode;
  readonly llm: LlmConfig;
  /** `WEBHOOK_SECRET`, else the state folder's `webhook-secret` (shared with the detector). */
  readonly webhookSecret: string;
  /** Where each business service is reached for /health and /reset. */
  readonly services: Readonly<Record<BusinessService, UpstreamConfig>>;
  readonly policy: { readonly maxActionsPerMinute: number; readonly cooldownMs: number };
  readonly evidence: { readonly samples: number; readonly intervalMs: number };
  readonly verify: { readonly intervals: number; readonly intervalMs: number; readonly timeoutMs: number };
  /** Background metrics sampling (baseline and history). 0 turns it off. */
  readonly sampleIntervalMs: number;
  readonly executor: {
    readonly kind: ExecutorKind;
    /** Local: `SUPERVISOR_CONTROL_URL`, else `control_url` of `<home>/supervisor.json` at the time of the call. */
    readonly supervisorUrl: string | undefined;
    readonly namespace: string;
  };
  /** `OPERATOR_DB_PATH`; default `<ARCHAICS_HOME>/data/ai-operator.sqlite`. */
  readonly dbPath: string;
}

function readLlm(env: Env): LlmConfig {
  const read = envReader(env);
  const raw = read.oneOf('LLM_PROVIDER', ['none', 'gemini', 'openai', 'openai-compatible'] as const, 'none');
  const provider: LlmProviderName = raw === 'openai-compatible' ? 'openai' : raw;
  const timeoutMs = read.int('LLM_TIMEOUT_MS', 8000, { min: 100, max: 120_000 });
  const optionalUrl = (name: string): string | undefined => (read.optionalString(name) === undefined ? undefined : read.url(name, ''));
  if (provider === 'gemini') {
    return {
      provider,
      model: read.string('GEMINI_MODEL', 'gemini-2.5-flash'),
      apiKey: read.optionalString('GEMINI_API_KEY'),
      baseUrl: optionalUrl('GEMINI_BASE_URL'),
      timeoutMs,
    };
  }
  if (provider === 'openai') {
    const baseUrl = optionalUrl('OPENAI_BASE_URL');
    return {
      provider,
      model: read.string('OPENAI_MODEL', 'gpt-4o-mini'),
      apiKey: read.optionalString('OPENAI_API_KEY'),
      baseUrl,
      timeoutMs,
    };
  }
  return { provider, model: null, apiKey: undefined, baseUrl: undefined, timeoutMs };
}

/** Reads the ai-operator configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): OperatorConfig {
  const base = readBaseConfig('ai-operator', env);
  const read = envReader(env);
  const services = Object.fromEntries(BUSINESS_SERVICES.map((s) => [s, readUpstreamConfig(s, env)])) as Record<
    BusinessService,
    UpstreamConfig
  >;
  const configuredExecutor = read.oneOf('EXECUTOR', ['auto', 'local', 'kubernetes'] as const, 'auto');
  const kind: ExecutorKind =
    configuredExecutor === 'auto'
      ? read.optionalString('KUBERNETES_SERVICE_HOST') === undefined
        ? 'local'
        : 'kubernetes'
      : configuredExecutor;
  const namespace = read.string('K8S_NAMESPACE', 'archaics');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace))
    throw new ConfigError('K8S_NAMESPACE', `must be a Kubernetes namespace name, got "${namespace}"`);
  const supervisorUrl = read.optionalString('SUPERVISOR_CONTROL_URL') === undefined ? undefined : read.url('SUPERVISOR_CONTROL_URL', '');
  return Object.freeze({
    ...base,
    mode: read.oneOf('OPERATOR_MODE', OPERATOR_MODES, 'auto'),
    llm: Object.freeze(readLlm(env)),
    webhookSecret: resolveWebhookSecret(env, base.home),
    services: Object.freeze(services),
    policy: Object.freeze({
      maxActionsPerMinute: read.int('OPERATOR_MAX_ACTIONS_PER_MINUTE', 6, { min: 1, max: 1000 }),
      cooldownMs: read.int('OPERATOR_COOLDOWN_S', 30, { min: 0, max: 3600 }) * 1000,
    }),
    evidence: Object.freeze({
      samples: read.int('EVIDENCE_SAMPLES', 3, { min: 1, max: 30 }),
      intervalMs: read.int('EVIDENCE_INTERVAL_MS', 1000, { min: 100, max: 60_000 }),
    }),
    verify: Object.freeze({
      intervals: read.int('VERIFY_INTERVALS', 3, { min: 1, max: 100 }),
      intervalMs: read.int('VERIFY_INTERVAL_MS', 1000, { min: 100, max: 60_000 }),
      timeoutMs: read.int('VERIFY_TIMEOUT_S', 60, { min: 1, max: 3600 }) * 1000,
    }),
    sampleIntervalMs: read.int('OPERATOR_SAMPLE_INTERVAL_MS', 2000, { min: 0, max: 600_000 }),
    executor: Object.freeze({ kind, supervisorUrl, namespace }),
    dbPath: read.optionalString('OPERATOR_DB_PATH') ?? join(stateDir(base.home, 'data'), 'ai-operator.sqlite'),
  });
}
