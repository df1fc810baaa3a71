import type { FastifyRequest } from 'fastify';
import { corruptRecords, type Corruption } from '../domain/bad-data.ts';

/**
 * Applies a bad_data fault that struck this request (if any) to the records of its
 * answer, and logs it. Data at rest is never touched: the route passes fresh copies.
 */
export function withBadData<R extends object>(
  request: FastifyRequest,
  records: readonly R[],
  corruptions: ReadonlyArray<Corruption<R>>,
  random: () => number,
): R[] {
  const fault = request.fault;
  if (fault?.type !== 'bad_data' || records.length === 0) return [...records];
  const result = corruptRecords(records, fault.intensity, corruptions, random);
  request.span?.setAttribute('chaos.bad_data.corrupted', result.corrupted);
  request.log.warn(
    { chaos: { type: 'bad_data', intensity: fault.intensity, corrupted: result.corrupted, total: records.length } },
    `Injected bad_data — corrupted ${result.corrupted} of ${records.length} records`,
  );
  return result.records;
}

/**
 * Serializer for routes whose answers may be corrupted: plain JSON.stringify, so a
 * corrupted field goes out exactly as corrupted (the compiled serializer would coerce
 * or drop it, and reorders optional keys) while the schema still documents the shape.
 */
export const corruptibleSerializer =
  () =>
  (data: unknown): string =>
    JSON.stringify(data);
