import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_DIR, K8S_OBSERVABILITY, promtool, readYaml } from './infra-files.ts';

const K8S_CONFIG = join(K8S_OBSERVABILITY, 'prometheus/prometheus.yml');
const RULES = join(K8S_OBSERVABILITY, 'prometheus/alert-rules.yml');
const COMPOSE_CONFIG = join(DOCKER_DIR, 'prometheus/prometheus.yml');

/** Checks a config with the rules beside it, as both deployments mount them (/etc/prometheus/). */
function checkConfigWithRules(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'archaics-promtool-'));
  try {
    copyFileSync(config, join(dir, 'prometheus.yml'));
    copyFileSync(RULES, join(dir, 'alert-rules.yml'));
    return promtool('check', 'config', join(dir, 'prometheus.yml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Prometheus configuration', () => {
  it('passes promtool check config (Kubernetes), rules included', () => {
    expect(promtool('check', 'config', K8S_CONFIG)).toMatch(/SUCCESS: 1 rule files found[\s\S]*is valid prometheus config/);
  });

  it('passes promtool check config (docker compose), rules included', () => {
    expect(checkConfigWithRules(COMPOSE_CONFIG)).toMatch(/SUCCESS: 1 rule files found[\s\S]*is valid prometheus config/);
  });

  it('passes promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toMatch(/SUCCESS: 5 rules found/);
  });

  it('alerts as its unit tests expect (promtool test rules)', () => {
    expect(promtool('test', 'rules', join(K8S_OBSERVABILITY, 'prometheus/alert-rules.test.yml'))).toContain('SUCCESS');
  });

  it('rejects a broken rule (promtool really checks)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archaics-promtool-'));
    try {
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(http_requests_total[1m]) \n');
      expect(() => promtool('check', 'rules', bad)).toThrow(/parse error|unclosed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the same scrape jobs in both deployments, one per service, at the same intervals', () => {
    const k8s = readYaml(K8S_CONFIG);
    const compose = readYaml(COMPOSE_CONFIG);
    const jobs = (c: any): string[] => c.scrape_configs.map((j: { job_name: string }) => j.job_name).sort();
    expect(jobs(k8s)).toEqual(jobs(compose));
    expect(jobs(k8s)).toEqual([
      'ai-operator',
      'anomaly-detector',
      'auth-service',
      'db-service',
      'payment-service',
      'product-service',
      'prometheus',
    ]);
    expect(k8s.global).toEqual(compose.global);
    expect(k8s.rule_files).toEqual(compose.rule_files);
  });
});
