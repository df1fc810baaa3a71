/**
 * Test support of the telemetry readers, for the packages that serve or fake a telemetry
 * backend (the telemetry process runs the trace-reader contract against its own store).
 * Imports vitest: reach it through a test-only entry point, never from runtime code or
 * the package index.
 */
export {
  describeTraceReaderContract,
  FIXTURE_TRACE_IDS,
  jaegerTracesToOtlp,
  rebaseTraces,
  traceFixtures,
} from './traces/trace-reader.contract.ts';
export type { MakeTraceReader, OtlpAttribute, OtlpTraceRequest, TraceBackendUnderTest } from './traces/trace-reader.contract.ts';
export { FakeJaeger } from './traces/fake-jaeger.ts';
export { FakeBackend, sendJson } from './fake-backend.ts';
export type { FakeBackendHandler, SeenRequest } from './fake-backend.ts';
