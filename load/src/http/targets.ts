import { SERVICE_PORTS, SERVICE_URL_ENV } from '@archaics/contracts';
import type { Env } from '@archaics/runtime';

/** Base URLs by target name: the journeys' `auth`, `product`, `payment`, and `db` (faults only). */
export type Targets = Readonly<Record<string, string>>;

const SERVICES = { auth: 'auth-service', db: 'db-service', product: 'product-service', payment: 'payment-service' } as const;
export type ServiceTarget = keyof typeof SERVICES;
export const SERVICE_OF: Readonly<Record<ServiceTarget, (typeof SERVICES)[ServiceTarget]>> = SERVICES;

/** The seed's variables (`AUTH_SERVICE_URL`, ...), canonical ports on 127.0.0.1 by default. */
export function targetsFromEnv(env: Env): Record<ServiceTarget, string> {
  const entries = Object.entries(SERVICES).map(([target, service]) => {
    const configured = env[SERVICE_URL_ENV[service]]?.trim();
    return [target, (configured ? configured : `http://127.0.0.1:${SERVICE_PORTS[service]}`).replace(/\/+$/, '')];
  });
  return Object.fromEntries(entries) as Record<ServiceTarget, string>;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A target the run may not use. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * Checks every base URL: http(s), and loopback unless `allowRemote`. A load generator pointed at someone
 * else's system by a stray variable is a denial-of-service tool (and --with-failures would inject faults
 * there with a chaos token), so anything but this machine needs an explicit --allow-remote.
 */
export function checkTargets(targets: Targets, allowRemote: boolean): void {
  for (const [name, base] of Object.entries(targets)) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new TargetError(`target ${name}: "${base}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`target ${name}: ${base} is not http(s)`);
    if (!allowRemote && !isLoopback(url.hostname)) {
      throw new TargetError(
        `target ${name}: ${base} is not on this machine; refusing to send load there without --allow-remote (see load/README.md)`,
      );
    }
  }
}
