import { BUSINESS_SERVICES, resolveServiceName, type BusinessService } from '@archaics/contracts';
import { parseSeconds } from '../format/units.ts';
import { UsageError } from './command.ts';
import type { UsageRow } from './usage.ts';

/** The SERVICE argument as the usages describe it. */
export const SERVICE_ARGUMENT: UsageRow = ['SERVICE', 'auth, db, product, payment (or auth-service, db-service, ...)'];

/** `auth`, `auth-service`, ... to a business service; anything else is a usage error listing the names. */
export function serviceArgument(text: string): BusinessService;
/** The same, or one of `others` (processes that are not business services). */
export function serviceArgument(text: string, others: readonly string[]): string;
export function serviceArgument(text: string, others: readonly string[] = []): string {
  const name = text.trim().toLowerCase();
  const service = resolveServiceName(name);
  if (service) return service;
  if (others.includes(name)) return name;
  const short = BUSINESS_SERVICES.map((business) => business.replace(/-service$/, ''));
  const more = others.length === 0 ? '' : `, or ${others.join(', ')}`;
  throw new UsageError(`unknown service "${text}"; one of ${short.join(', ')} (or ${BUSINESS_SERVICES.join(', ')})${more}`);
}

/** An integer option within [min, max]. */
export function intOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer ${min}..${max}, got "${text}"`);
  }
  return value;
}

/** A number option within [min, max]. */
export function numberOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number ${min}..${max}, got "${text}"`);
  }
  return value;
}

/** A duration option in seconds (`90`, `90s`, `2m`, `1h`), greater than 0 and at most `max`. */
export function secondsOption(name: string, text: string, max: number): number {
  const value = parseSeconds(text);
  if (value === undefined || !(value > 0) || value > max) {
    throw new UsageError(`--${name} must be a duration > 0 and at most ${max} s (e.g. 90, 90s, 2m), got "${text}"`);
  }
  return value;
}
