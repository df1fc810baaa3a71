export { captureLogger } from './log-capture.ts';
export type { CapturedLogger } from './log-capture.ts';
export { FakeUpstream, unreachableUrl } from './fake-upstream.ts';
export type { FakeAnswer, FakeFault, RecordedRequest } from './fake-upstream.ts';
export { ALICE, BOB, FakeDbState, ROOMY_TIMEOUT_MS, SHORT_AUTH, SHORT_DB, TIMEOUT_MS, startFakeUpstreams } from './fake-services.ts';
export type { FakeUpstreams } from './fake-services.ts';
export {
  anyJson,
  authorizationHeader,
  contentTypeOf,
  headerText,
  hostileJsonBody,
  hostileText,
  oversizedJson,
  payloadOf,
  requestBody,
} from './arbitraries.ts';
export type { RawBody } from './arbitraries.ts';
export { expectAnyBodyAnswered } from './properties.ts';
export type { AnyBodyCheck } from './properties.ts';
