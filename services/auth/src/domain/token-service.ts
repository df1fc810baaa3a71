import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';

export const TOKEN_ISSUER = 'archaics';
export const TOKEN_AUDIENCE = 'archaics';

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface TokenSubject {
  user_id: string;
  email: string;
}

/** Why a token was refused; `detail` is safe to answer and to log (it never holds the token). */
export class TokenRejected extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'TokenRejected';
  }
}

export interface TokenServiceOptions {
  secret: string;
  ttlS: number;
  now?: () => number;
}

/** Issues and checks HS256 access tokens; the key is imported once. */
export class TokenService {
  private readonly key: KeyObject;
  private readonly now: () => number;

  constructor(private readonly options: TokenServiceOptions) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
    this.now = options.now ?? Date.now;
  }

  private readonly verified = new Map<string, { subject: TokenSubject; expiresAtMs: number }>();

  private remember(token: string, subject: TokenSubject, expiresAtMs: number): void {
    if (this.verified.size >= VERIFIED_CACHE_MAX) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { subject, expiresAtMs });
  }

  async issue(subject: TokenSubject): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.now() / 1000);
    const accessToken = await new SignJWT({ email: subject.email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject.user_id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlS)
      .sign(this.key);
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.options.ttlS };
  }

  /**
   * Checks signature, algorithm, issuer, audience and expiry; throws {@link TokenRejected}.
   * Tokens that passed are remembered until they expire (bounded), since every product and
   * payment request validates the same few tokens again.
   */
  async verify(token: string): Promise<TokenSubject> {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > this.now()) return known.subject;
    if (known) this.verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.now()),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.email !== 'string') {
        throw new TokenRejected('token lacks its subject or email claim');
      }
      const subject = { user_id: payload.sub, email: payload.email };
      this.remember(token, subject, (payload.exp ?? 0) * 1000);
      return subject;
    } catch (error) {
      throw error instanceof TokenRejected ? error : new TokenRejected(describe(error));
    }
  }
}

const VERIFIED_CACHE_MAX = 10_000;

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'token is malformed';
  return 'token is invalid';
}
