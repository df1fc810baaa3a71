import { randomUUID } from 'node:crypto';
import { EmailTaken, type UserRepository } from '../repositories/user.repository.ts';
import { normalizeEmail } from './email.ts';
import type { FailureLimiter } from './failure-limiter.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { IssuedToken, TokenService, TokenSubject } from './token-service.ts';

export type SignupOutcome = { ok: true; user: TokenSubject } | { ok: false; reason: 'invalid_email' | 'email_taken' };

export type LoginOutcome =
  | { ok: true; user: TokenSubject; token: IssuedToken }
  | { ok: false; reason: 'rate_limited'; scope: 'email' | 'client'; retryAfterS: number; email: string }
  | { ok: false; reason: 'invalid_credentials'; cause: 'unknown_email' | 'wrong_password'; email: string };

export interface AuthenticatorDeps {
  users: UserRepository;
  hasher: PasswordHasher;
  tokens: TokenService;
  /** Failed (and in-flight) attempts per normalized email. */
  emailFailures: FailureLimiter;
  /** Failed attempts per client address. */
  clientFailures: FailureLimiter;
}

/** Sign-up and log-in decisions, without HTTP. */
export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  async signup(rawEmail: string, password: string): Promise<SignupOutcome> {
    const email = normalizeEmail(rawEmail);
    if (email === null) return { ok: false, reason: 'invalid_email' };
    if (this.deps.users.findByEmail(email)) return { ok: false, reason: 'email_taken' };
    const passwordHash = await this.deps.hasher.hash(password);
    const user = { user_id: randomUUID(), email };
    try {
      this.deps.users.create({ id: user.user_id, email, password_hash: passwordHash });
    } catch (error) {
      if (error instanceof EmailTaken) return { ok: false, reason: 'email_taken' };
      throw error;
    }
    return { ok: true, user };
  }

  /**
   * Checks the credentials. Unknown emails cost the same KDF time as wrong passwords.
   * An attempt counts against its email while it runs (so parallel guesses cannot
   * outrun the limit) and is forgotten on success; failures also count per client.
   */
  async login(rawEmail: string, password: string, client: string): Promise<LoginOutcome> {
    const email = rawEmail.trim().toLowerCase();
    const { emailFailures, clientFailures, users, hasher, tokens } = this.deps;
    const byClient = clientFailures.check(client);
    if (byClient.limited) return { ok: false, reason: 'rate_limited', scope: 'client', retryAfterS: byClient.retryAfterS, email };
    const byEmail = emailFailures.check(email);
    if (byEmail.limited) return { ok: false, reason: 'rate_limited', scope: 'email', retryAfterS: byEmail.retryAfterS, email };
    emailFailures.add(email);
    const user = normalizeEmail(email) === null ? undefined : users.findByEmail(email);
    const valid = user ? await hasher.verify(password, user.password_hash) : await hasher.verifyNothing(password);
    if (!user || !valid) {
      clientFailures.add(client);
      return { ok: false, reason: 'invalid_credentials', cause: user ? 'wrong_password' : 'unknown_email', email };
    }
    emailFailures.clear(email);
    const subject = { user_id: user.id, email: user.email };
    return { ok: true, user: subject, token: await tokens.issue(subject) };
  }
}
