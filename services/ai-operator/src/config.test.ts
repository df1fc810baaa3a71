import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@archaics/runtime';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const home = mkdtempSync(join(tmpdir(), 'ai-operator-config-'));
const base = { ARCHAICS_HOME: home, CHAOS_TOKEN: 't', WEBHOOK_SECRET: 's' };

describe(loadConfig.name, () => {
  it('defaults: auto mode, no LLM, local executor, the state folder database', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      mode: 'auto',
      port: 8005,
      llm: { provider: 'none', model: null, timeoutMs: 8000 },
      executor: { kind: 'local', namespace: 'archaics' },
    });
    expect(config.dbPath).toBe(join(home, 'data', 'ai-operator.sqlite'));
    expect(config.policy).toEqual({ maxActionsPerMinute: 6, cooldownMs: 30_000 });
    expect(config.verify.intervals).toBe(3);
  });

  it('reads the LLM providers; openai-compatible is openai', () => {
    expect(loadConfig({ ...base, LLM_PROVIDER: 'gemini', GEMINI_API_KEY: 'k' }).llm).toMatchObject({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      apiKey: 'k',
    });
    expect(
      loadConfig({ ...base, LLM_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/', OPENAI_MODEL: 'llama3.1' })
        .llm,
    ).toMatchObject({
      provider: 'openai',
      model: 'llama3.1',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
  });

  it('detects Kubernetes in the cluster', () => {
    expect(loadConfig({ ...base, KUBERNETES_SERVICE_HOST: '10.0.0.1' }).executor.kind).toBe('kubernetes');
    expect(loadConfig({ ...base, KUBERNETES_SERVICE_HOST: '10.0.0.1', EXECUTOR: 'local' }).executor.kind).toBe('local');
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => loadConfig({ ...base, OPERATOR_MODE: 'yolo' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, OPERATOR_MODE: 'yolo' })).toThrow(/OPERATOR_MODE: must be one of auto, approve, dry-run/);
    expect(() => loadConfig({ ...base, LLM_PROVIDER: 'claude' })).toThrow(/LLM_PROVIDER/);
    expect(() => loadConfig({ ...base, LLM_TIMEOUT_MS: 'soon' })).toThrow(/LLM_TIMEOUT_MS/);
    expect(() => loadConfig({ ...base, K8S_NAMESPACE: 'Bad_NS' })).toThrow(/K8S_NAMESPACE/);
  });
});
