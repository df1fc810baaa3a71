import fc from 'fast-check';

// createServer's default bodyLimit: a body one byte larger is refused with 413.
const BODY_LIMIT = 64 * 1024;

// What an HTTP client can put in a header: visible ASCII and latin-1.
const HEADER_CHARS = ' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\u00a0\u00e9\u00ff'.split('');

/** A raw request body as a client may send it, with its content type (none when undefined). */
export interface RawBody {
  body: string;
  type?: string | undefined;
}

/** Header values of up to `maxLength` characters an HTTP client can send (visible ASCII and latin-1). */
export function headerText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength });
}

/**
 * Text no field expects: graphemes, raw binary (up to `binaryMaxLength`, default 40), the
 * given hostile strings (injections, traversal, control characters) and `also`.
 */
export function hostileText(
  hostile: readonly string[],
  options: { binaryMaxLength?: number; also?: fc.Arbitrary<string> } = {},
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: options.binaryMaxLength ?? 40 }),
    fc.constantFrom(...hostile),
    ...(options.also ? [options.also] : []),
  );
}

/** Any JSON value, `null` included. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.constant(null));

/**
 * JSON bodies just over the 64 KiB body limit (up to `maxLength`, default 4 KiB over):
 * `build` makes the value from the length one of its strings should have.
 */
export function oversizedJson(build: (length: number) => unknown, maxLength = BODY_LIMIT + 4096): fc.Arbitrary<string> {
  return fc.integer({ min: BODY_LIMIT + 1, max: maxLength }).map((length) => JSON.stringify(build(length)));
}

/**
 * Bodies of a JSON route a hostile client sends: any JSON, the route's own `shapes` (with wrong
 * types and missing fields), binary junk, broken JSON (`'{'`, `'['`, `'nul'` and `broken`) and
 * `oversized` ones.
 */
export function hostileJsonBody(
  shapes: ReadonlyArray<fc.Arbitrary<unknown>>,
  junk: { broken: readonly string[]; oversized: fc.Arbitrary<string> },
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    ...shapes.map((shape) => shape.map((value) => JSON.stringify(value))),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.constantFrom('{', '[', 'nul', ...junk.broken),
    junk.oversized,
  );
}

/** `body` under the content types clients send to a JSON route, a wrong one, or none. */
export function withAnyContentType(body: fc.Arbitrary<string>): fc.Arbitrary<RawBody> {
  const type = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  );
  return fc.record({ body, type });
}

/**
 * Bodies around a JSON shape: mostly `json` serialized as `application/json`; else `junk.text`
 * sent as JSON, an `oversized` body, `junk.text` under a `junk.contentType`, or no body at all.
 */
export function requestBody(
  json: fc.Arbitrary<unknown>,
  junk: { text: fc.Arbitrary<string>; oversized: fc.Arbitrary<string>; contentType: fc.Arbitrary<string> },
): fc.Arbitrary<RawBody | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: json.map((body): RawBody => ({ body: JSON.stringify(body), type: 'application/json' })) },
    { weight: 1, arbitrary: junk.text.map((text): RawBody => ({ body: text, type: 'application/json' })) },
    { weight: 1, arbitrary: junk.oversized.map((body): RawBody => ({ body, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(junk.text, junk.contentType).map(([body, type]): RawBody => ({ body, type })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** An `Authorization` header: mostly `valid`; else none, a `junk` value, or `Bearer <junk>`. */
export function authorizationHeader(valid: string, junk: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: junk.map((token) => `Bearer ${token}`) },
  );
}

/** The `app.inject` payload of a raw body (nothing when there is no body). */
export function payloadOf(raw: RawBody | undefined): { payload?: string } {
  return raw === undefined ? {} : { payload: raw.body };
}

/** The content-type header of a raw body (nothing when it has none). */
export function contentTypeOf(raw: RawBody | undefined): Record<string, string> {
  return raw?.type === undefined ? {} : { 'content-type': raw.type };
}
