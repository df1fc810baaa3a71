import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { contentTypeOf, payloadOf, withAnyContentType } from './arbitraries.ts';

/** What {@link expectAnyBodyAnswered} sends and accepts. */
export interface AnyBodyCheck {
  /** Raw bodies to send; each goes under each content type a client may send, or none. */
  bodies: fc.Arbitrary<string>;
  /** The documented statuses of the route. */
  allowed: readonly number[];
  /** Looks at the JSON of an answer below 400 (refusals must carry `{error}`). */
  accepted: (json: Record<string, unknown>, status: number) => void;
  numRuns: number;
}

/**
 * Property: `app` answers `POST url` with one of the allowed statuses whatever the body, never
 * a 5xx, and every refusal (4xx) carries an `{error}` body.
 */
export async function expectAnyBodyAnswered(app: FastifyInstance, url: string, check: AnyBodyCheck): Promise<void> {
  await fc.assert(
    fc.asyncProperty(withAnyContentType(check.bodies), async (raw) => {
      const res = await app.inject({ method: 'POST', url, ...payloadOf(raw), headers: contentTypeOf(raw) });
      expect(check.allowed).toContain(res.statusCode);
      const json = res.json<Record<string, unknown>>();
      if (res.statusCode >= 400) expect(typeof json.error, 'the error field of a 4xx body').toBe('string');
      else check.accepted(json, res.statusCode);
    }),
    { numRuns: check.numRuns },
  );
}
