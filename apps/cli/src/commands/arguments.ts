import { BUSINESS_SERVICES, FAULT_ROUTES, faultTargetsFor, resolveServiceName, type BusinessService } from '@archaics/contracts';
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
  const short = BUSINESS_SERVICES.map(shortName);
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

/** `db-service` → `db`, as the CLI's arguments take it. */
export function shortName(service: string): string {
  return service.replace(/-service$/, '');
}

/** The services that call others (short names): the ones an edge fault is injected into. */
export function edgeCallers(): string[] {
  return BUSINESS_SERVICES.filter((service) => faultTargetsFor(service).length > 0).map(shortName);
}

/** A `--route`: one of the route templates a fault of the service may name (the leading `/` may be left out). */
export function routeOption(service: BusinessService, text: string): string {
  const trimmed = text.trim();
  const route = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  const routes = FAULT_ROUTES[service];
  if (!routes.includes(route)) throw new UsageError(`--route "${text}" is not a route of ${service}; one of ${routes.join(', ')}`);
  return route;
}

/** A `--target` (`db` or `db-service`): an upstream the service calls, by its full name. */
export function targetOption(service: BusinessService, text: string): BusinessService {
  const targets = faultTargetsFor(service);
  if (targets.length === 0) {
    throw new UsageError(`--target: ${service} calls no other service, so it has no edge to break; ${edgeCallers().join(' and ')} do`);
  }
  const target = resolveServiceName(text.trim().toLowerCase());
  if (target === undefined || !targets.includes(target)) {
    throw new UsageError(
      `--target "${text}" is not a service ${service} calls; one of ${targets.map(shortName).join(', ')} (or ${targets.join(', ')})`,
    );
  }
  return target;
}
