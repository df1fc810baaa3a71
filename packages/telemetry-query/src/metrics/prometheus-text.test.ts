import { describe, expect, it } from 'vitest';
import { createMetrics } from '@archaics/server';
import { bucketBound, parsePrometheusText, parseSampleLine, PrometheusTextError } from './prometheus-text.ts';

describe(parsePrometheusText.name, () => {
  it('does read the exposition format example: escapes, timestamps, special values, histograms', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'http_request_duration_seconds_bucket{le="0.05"} 24054',
      'http_request_duration_seconds_bucket{le="+Inf"} 144320',
      'nan_gauge NaN',
      'prom_client_nan Nan',
      'trailing_comma{a="1",} 2',
      '# EOF',
    ].join('\r\n');
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(10);
    expect(samples[0]).toEqual({
      name: 'http_requests_total',
      labels: { method: 'post', code: '200' },
      value: 1027,
      timestampMs: 1395066363000,
    });
    expect(samples[1]?.value).toBe(3);
    expect(samples[2]?.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(samples[2]?.value).toBe(1.458255915e9);
    expect(samples[3]).toEqual({ name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 });
    expect(samples[4]).toMatchObject({ value: Number.POSITIVE_INFINITY, timestampMs: -3982045 });
    expect(samples[6]?.labels.le).toBe('+Inf');
    expect(samples[7]?.value).toBeNaN();
    expect(samples[8]?.value).toBeNaN();
    expect(samples[9]?.labels).toEqual({ a: '1' });
  });

  it('does keep the labels of every histogram series (what parse-prometheus-text-format loses)', async () => {
    const metrics = createMetrics('product-service', { defaults: false });
    metrics.httpDuration.observe({ service: 'product-service', method: 'GET', route: '/products', status: '200' }, 0.02);
    metrics.httpDuration.observe({ service: 'product-service', method: 'POST', route: '/cart/add', status: '502' }, 1.5);
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const buckets = samples.filter((s) => s.name === 'http_request_duration_seconds_bucket');
    expect(new Set(buckets.map((s) => s.labels.route))).toEqual(new Set(['/products', '/cart/add']));
    const slowInf = buckets.find((s) => s.labels.route === '/cart/add' && s.labels.le === '+Inf');
    expect(slowInf).toMatchObject({ value: 1, labels: { status: '502', method: 'POST', service: 'product-service' } });
    const slowAtOne = buckets.find((s) => s.labels.route === '/cart/add' && s.labels.le === '1');
    expect(slowAtOne?.value).toBe(0);
    expect(samples.find((s) => s.name === 'chaos_failure_active' && s.labels.type === 'timeout')?.value).toBe(0);
  });

  it('does name the line of a malformed sample', () => {
    expect(() => parsePrometheusText('ok 1\nbroken{a="1" 2\n')).toThrow(PrometheusTextError);
    expect(() => parsePrometheusText('ok 1\nbroken{a="1" 2\n')).toThrow(/line 2/);
    expect(() => parseSampleLine('name')).toThrow(/bad value/);
    expect(() => parseSampleLine('name{a=1} 2')).toThrow(/expected =/);
    expect(() => parseSampleLine('name abc')).toThrow(/bad value/);
    expect(() => parseSampleLine('name 0x10')).toThrow(/bad value/);
    expect(() => parseSampleLine('{a="b"} 1')).toThrow(/no metric name/);
  });
});

describe(bucketBound.name, () => {
  it('does read le bounds, +Inf included', () => {
    expect(bucketBound('0.005')).toBe(0.005);
    expect(bucketBound('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(bucketBound(undefined)).toBeUndefined();
    expect(bucketBound('x')).toBeUndefined();
  });
});
