/**
 * The JSON of Jaeger's HTTP query API (`/api/...`, what the Jaeger UI reads), as written by
 * jaeger-query's `uimodel`. Times are microseconds.
 */

/** A tag, process tag or log field. `int64` values beyond 2^53 arrive as strings. */
export interface JaegerKeyValue {
  readonly key: string;
  readonly type: 'string' | 'bool' | 'int64' | 'float64' | 'binary' | (string & {});
  readonly value: string | number | boolean;
}

/** A span log (an OpenTelemetry span event). */
export interface JaegerLog {
  /** Microseconds since the epoch. */
  readonly timestamp: number;
  readonly fields: readonly JaegerKeyValue[];
}

/** A link to another span: the parent (`CHILD_OF`, first) or a follows-from link. */
export interface JaegerReference {
  readonly refType: 'CHILD_OF' | 'FOLLOWS_FROM' | (string & {});
  readonly traceID: string;
  readonly spanID: string;
}

/** One span. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references: readonly JaegerReference[];
  /** Microseconds since the epoch. */
  readonly startTime: number;
  /** Microseconds. */
  readonly duration: number;
  readonly tags: readonly JaegerKeyValue[];
  readonly logs: readonly JaegerLog[];
  /** Key into the trace's `processes`. */
  readonly processID: string;
  readonly warnings?: readonly string[] | null;
  readonly flags?: number;
}

/** The process (service) that emitted spans: OpenTelemetry's resource. */
export interface JaegerProcess {
  readonly serviceName: string;
  readonly tags: readonly JaegerKeyValue[];
}

/** A whole trace as `GET /api/traces/{id}` returns it. */
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, JaegerProcess>>;
  readonly warnings?: readonly string[] | null;
}

/** An entry of the envelope's `errors`. */
export interface JaegerError {
  readonly code?: number;
  readonly msg: string;
  readonly traceID?: string;
}

/** The envelope of every answer: `{data, total, limit, offset, errors}`. */
export interface JaegerResponse<T> {
  readonly data: T;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly errors: readonly JaegerError[] | null;
}
