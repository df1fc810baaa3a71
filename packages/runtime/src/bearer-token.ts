import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/**
 * Compares a presented secret with the expected one in constant time (both are hashed
 * first, so neither their content nor their length leaks through the timing).
 */
export function secretsMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** What an Authorization header holds against the expected bearer token. */
export type BearerCheck = 'ok' | 'missing' | 'wrong';

/**
 * The one bearer check of the project (the services' hook and the supervisor's control
 * interface): `missing` without a bearer token (answer 401), `wrong` with another one (403).
 */
export function checkBearerToken(header: string | string[] | undefined, expected: string): BearerCheck {
  const given = bearerToken(header);
  if (given === undefined) return 'missing';
  return secretsMatch(given, expected) ? 'ok' : 'wrong';
}
