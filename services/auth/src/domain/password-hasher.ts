import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;

const derive = (password: string, salt: Buffer, params: ScryptParams, keyBytes = KEY_BYTES): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
    // Runs in the libuv thread pool, so the event loop keeps serving /validate and /health.
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/**
 * Password hashing with scrypt: a random salt per user, the parameters stored with the
 * hash as `scrypt$N$r$p$salt$hash` (base64url), compared in constant time.
 */
export class PasswordHasher {
  private readonly params: ScryptParams;
  private dummyHash: Promise<string> | undefined;

  constructor(params: Partial<ScryptParams> = {}) {
    this.params = { N: params.N ?? 16_384, r: params.r ?? 8, p: params.p ?? 1 };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.params);
    const { N, r, p } = this.params;
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** True when `password` matches `stored`; false for a mismatch or an unreadable hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  /** Prepares the stand-in hash of {@link verifyNothing}, so even the first unknown email costs no extra time. */
  async prepare(): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('base64url'));
    await this.dummyHash;
  }

  /** Spends the same time as a real verification, for an unknown account; always false. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('base64url'));
    await this.verify(password, await this.dummyHash);
    return false;
  }
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1_048_576 || r > 64 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || key.length < 16 || key.length > 128) return null;
  return { params: { N, r, p }, salt, key };
}
