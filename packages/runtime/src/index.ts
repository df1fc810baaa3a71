export { ConfigError, envReader } from './env.ts';
export type { Env, EnvReader } from './env.ts';
export { ARCHAICS_VERSION, readBaseConfig, readUpstreamConfig } from './service-config.ts';
export type { BaseServiceConfig, UpstreamConfig } from './service-config.ts';
export {
  archaicsHome,
  stateDir,
  readOrCreateSecret,
  chaosTokenPath,
  readChaosToken,
  resolveChaosToken,
  supervisorFilePath,
  readSupervisorFile,
} from './state-home.ts';
export type { ChaosToken, SupervisorFile } from './state-home.ts';
export { bearerToken, checkBearerToken, secretsMatch } from './bearer-token.ts';
export type { BearerCheck } from './bearer-token.ts';
export { parseLegacyTraceId } from './trace-id.ts';
export { resolveWebhookSecret, signBody, verifySignature } from './webhook-signature.ts';
export { seededRandom } from './seeded-random.ts';
export { UsageError } from './usage-error.ts';
