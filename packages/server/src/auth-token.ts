import { bearerToken, checkBearerToken } from '@archaics/runtime';
import { AppError } from './errors/app-error.ts';

export { bearerToken };

/**
 * Checks a request's bearer token against the expected one in constant time
 * ({@link checkBearerToken} of @archaics/runtime): 401 without a token, 403 with a wrong
 * one. `expected` null means the check is lifted.
 */
export function checkBearer(header: string | string[] | undefined, expected: string | null, realm = 'chaos token'): void {
  if (expected === null) return;
  const check = checkBearerToken(header, expected);
  if (check === 'missing') throw new AppError(401, 'unauthorized', `missing ${realm}: send Authorization: Bearer <token>`);
  if (check === 'wrong') throw new AppError(403, 'forbidden', `wrong ${realm}`);
}
