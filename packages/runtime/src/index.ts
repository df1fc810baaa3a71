export { ConfigError, envReader } from './env.ts';
export type { Env, EnvReader } from './env.ts';
export { ARCHAICS_VERSION, readBaseConfig, readUpstreamConfig } from './service-config.ts';
export type { BaseServiceConfig, UpstreamConfig } from './service-config.ts';
export { archaicsHome, stateDir, readOrCreateSecret, chaosTokenPath, resolveChaosToken } from './state-home.ts';
export { parseLegacyTraceId } from './trace-id.ts';
export { resolveWebhookSecret, signBody, verifySignature } from './webhook-signature.ts';
export { seededRandom } from './seeded-random.ts';
