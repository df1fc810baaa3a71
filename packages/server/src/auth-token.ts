import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors/app-error.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/**
 * Checks a request's bearer token against the expected one in constant time:
 * 401 without a token, 403 with a wrong one. `expected` null means the check is lifted.
 */
export function checkBearer(header: string | string[] | undefined, expected: string | null, realm = 'chaos token'): void {
  if (expected === null) return;
  const given = bearerToken(header);
  if (given === undefined) throw new AppError(401, 'unauthorized', `missing ${realm}: send Authorization: Bearer <token>`);
  if (!timingSafeEqual(digest(given), digest(expected))) throw new AppError(403, 'forbidden', `wrong ${realm}`);
}
