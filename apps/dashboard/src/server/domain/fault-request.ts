import {
  BUSINESS_SERVICES,
  EDGE_ONLY_FAULT_TYPES,
  ERROR_STATUSES,
  FAULT_LIMITS,
  FAULT_ROUTES,
  FAULT_TYPES,
  PROCESS_FAULT_TYPES,
  faultParameterConflict,
  faultTargetsFor,
  faultTypesFor,
  resolveServiceName,
  type BusinessService,
  type FaultType,
} from '@archaics/contracts';
import { badRequest } from '@archaics/server';
import type { FaultCatalog, InjectBody } from '../../shared/schemas/chaos.schema.ts';
import type { Injection } from './chaos-presets.ts';

const { intensity: INTENSITY, probability: PROBABILITY, duration: DURATION, ms: MS, jitter: JITTER } = FAULT_LIMITS;

/** A business service by its full or short name; a 400 naming `field` otherwise. */
export function toService(name: string, field = 'service'): BusinessService {
  const service = resolveServiceName(name);
  if (!service) throw badRequest(`${field} must be one of ${BUSINESS_SERVICES.join(', ')}; got "${name}"`);
  return service;
}

function inRange(name: string, value: number, min: number, max: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
    throw badRequest(`${name} must be ${integer ? 'an integer' : 'a number'} ${min}..${max}; got ${value}`);
  return value;
}

/**
 * The injection the Chaos view or the phone page asks for, checked against the contracts before
 * it goes to the service (the type for the service, every range, which parameters go with which
 * type and scope); anything wrong is a 400 naming the parameter.
 */
export function parseFaultRequest(body: InjectBody): Injection {
  const service = toService(body.service);
  const allowed = faultTypesFor(service);
  const type = body.type.trim().toLowerCase() as FaultType;
  if (!(FAULT_TYPES as readonly string[]).includes(type))
    throw badRequest(`type must be one of ${allowed.join(', ')} for ${service}; got "${body.type}"`);
  if (!allowed.includes(type)) {
    const why = EDGE_ONLY_FAULT_TYPES.includes(type)
      ? `${type} breaks an edge and ${service} calls no other service`
      : `${type} applies to db-service only`;
    throw badRequest(`type: ${why}; ${service} takes ${allowed.join(', ')}`);
  }
  const conflict = faultParameterConflict(type, body);
  if (conflict !== undefined) throw badRequest(conflict);
  if (body.status !== undefined && !(ERROR_STATUSES as readonly number[]).includes(body.status))
    throw badRequest(`status must be one of ${ERROR_STATUSES.join(', ')}; got ${body.status}`);
  const targets = faultTargetsFor(service);
  if (body.target === undefined && EDGE_ONLY_FAULT_TYPES.includes(type))
    throw badRequest(`target is required for ${type}: the upstream whose calls it breaks (${targets.join(' or ')})`);
  return {
    service,
    type,
    ...(body.intensity === undefined ? {} : { intensity: inRange('intensity', body.intensity, INTENSITY.min, INTENSITY.max, true) }),
    ...(body.probability === undefined ? {} : { probability: inRange('probability', body.probability, PROBABILITY.min, PROBABILITY.max) }),
    ...(body.duration === undefined ? {} : { duration: duration(body.duration) }),
    ...(body.ms === undefined ? {} : { ms: inRange('ms', body.ms, MS.min, MS.max, true) }),
    ...(body.jitter === undefined ? {} : { jitter: inRange('jitter', body.jitter, JITTER.min, JITTER.max) }),
    ...(body.status === undefined ? {} : { status: body.status }),
    ...(body.route === undefined ? {} : { route: route(service, body.route) }),
    ...(body.target === undefined ? {} : { target: target(service, body.target) }),
  };
}

function duration(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > DURATION.maxSeconds)
    throw badRequest(`duration must be seconds > 0 and at most ${DURATION.maxSeconds}; got ${seconds}`);
  return seconds;
}

function route(service: BusinessService, template: string): string {
  const routes = FAULT_ROUTES[service];
  if (!routes.includes(template)) throw badRequest(`route "${template}" is not a route of ${service}; one of ${routes.join(', ')}`);
  return template;
}

function target(service: BusinessService, name: string): BusinessService {
  const targets = faultTargetsFor(service);
  if (targets.length === 0) throw badRequest(`target: ${service} calls no other service, so it has no edge to break`);
  const upstream = resolveServiceName(name);
  if (upstream === undefined || !targets.includes(upstream))
    throw badRequest(`target "${name}" is not a service ${service} calls; one of ${targets.join(', ')}`);
  return upstream;
}

/** A scope label of `failures[].scope` (`service`, `route:/cart/add`, `edge:db-service`) that the service can have; a 400 naming `scope` otherwise. */
export function parseScopeLabel(service: BusinessService, label: string): string {
  const routes = FAULT_ROUTES[service].map((r) => `route:${r}`);
  const edges = faultTargetsFor(service).map((t) => `edge:${t}`);
  const labels = ['service', ...routes, ...edges];
  if (!labels.includes(label)) throw badRequest(`scope "${label}" is not a scope of ${service}; one of ${labels.join(', ')}`);
  return label;
}

/** What the UI builds its fault forms from: per business service its types, routes and targets; the limits and statuses. */
export function faultCatalog(): FaultCatalog {
  return {
    services: BUSINESS_SERVICES.map((service) => ({
      service,
      types: faultTypesFor(service),
      routes: [...FAULT_ROUTES[service]],
      targets: faultTargetsFor(service),
    })),
    edgeOnlyTypes: [...EDGE_ONLY_FAULT_TYPES],
    processTypes: [...PROCESS_FAULT_TYPES],
    errorStatuses: [...ERROR_STATUSES],
    limits: FAULT_LIMITS,
  };
}
