import { JaegerTraceReader } from '@archaics/telemetry-query';
import { describeTraceReaderContract, jaegerTracesToOtlp } from '@archaics/telemetry-query/testing';
import { startTelemetry } from './telemetry-harness.ts';

// The same contract the Jaeger client passes against recorded real Jaeger answers,
// here against the local store fed over OTLP/HTTP.
describeTraceReaderContract(async (traces) => {
  const running = await startTelemetry();
  const res = await fetch(`${running.otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(jaegerTracesToOtlp(traces)),
  });
  if (res.status !== 200) throw new Error(`OTLP export failed: ${res.status} ${await res.text()}`);
  return { reader: new JaegerTraceReader(running.queryUrl), close: () => running.stop() };
}, 'TraceReader contract against the local telemetry store');
