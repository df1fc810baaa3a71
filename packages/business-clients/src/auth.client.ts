import { AppError, unauthorized } from '@archaics/server';
import type { Logger } from '@archaics/server';
import { bearerToken } from '@archaics/server';
import { UpstreamFailure, type DependencyClient } from '@archaics/server';
import { upstreamFailureError } from '@archaics/server';

/** Who a valid token belongs to, as auth-service's `GET /validate` tells. */
export interface AuthenticatedUser {
  user_id: string;
  email: string;
}

// RFC 6750 b64token: what a JWT (or any bearer token) may contain. Anything else is refused
// without bothering auth-service.
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 4096;

function readUser(body: unknown): AuthenticatedUser | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { valid, user_id: userId, email } = body as Record<string, unknown>;
  if (valid !== true || typeof userId !== 'string' || userId === '' || userId.length > 256) return undefined;
  return { user_id: userId, email: typeof email === 'string' ? email : '' };
}

/** Checks callers' bearer tokens with auth-service `GET /validate`. */
export class AuthClient {
  constructor(
    private readonly http: DependencyClient,
    private readonly logger: Logger,
  ) {}

  /**
   * The user of an `Authorization` header. Missing or malformed token: 401 without a call;
   * auth says 401/403: 401; auth unreachable, failing, slow or answering nonsense: 503
   * `auth_unavailable`; open circuit: 503 `circuit_open`.
   */
  async validate(header: string | string[] | undefined): Promise<AuthenticatedUser> {
    const token = bearerToken(header);
    if (token === undefined) throw unauthorized('missing bearer token: send Authorization: Bearer <jwt>');
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) throw unauthorized('malformed bearer token');
    let response;
    try {
      response = await this.http.request({ method: 'GET', path: '/validate', headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw error instanceof UpstreamFailure ? upstreamFailureError(error, 'auth') : error;
    }
    if (response.status === 401 || response.status === 403) throw unauthorized('invalid or expired token');
    const user = response.status === 200 ? readUser(response.body) : undefined;
    if (!user) {
      this.http.recordBadData();
      const detail = `auth-service answered HTTP ${response.status} without a valid user`;
      this.logger.warn(
        {
          upstream: { name: 'auth-service', outcome: 'bad_response', status: response.status, elapsed_ms: Math.round(response.elapsedMs) },
        },
        `${detail} after ${Math.round(response.elapsedMs)}ms — upstream impact detected`,
      );
      throw new AppError(503, 'auth_unavailable', detail, { upstream: 'auth-service' });
    }
    this.logger.debug(`auth-service validate success: user ${user.user_id} in ${response.elapsedMs.toFixed(1)}ms`);
    return user;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
