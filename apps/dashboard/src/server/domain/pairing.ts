import { secretsMatch } from '@archaics/runtime';

/** Name of the cookie that carries the pairing token after the first visit. */
export const PAIRING_COOKIE = 'archaics_pair';
/** Query parameter of the URL the terminal prints (and the QR code holds). */
export const PAIRING_PARAM = 'pair';

/** Constant-time comparison of a presented pairing token. */
export function pairingMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && given !== '' && secretsMatch(given, expected);
}

/** The value of one cookie of a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The Set-Cookie of a paired browser: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function pairingCookie(token: string): string {
  return `${PAIRING_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 86_400}`;
}
