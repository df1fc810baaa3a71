import { oneOf } from './one-of.ts';

/** The business services, their canonical ports, and the dependency graph (SPEC §1). */
export const BUSINESS_SERVICES = ['auth-service', 'db-service', 'product-service', 'payment-service'] as const;
export type BusinessService = (typeof BUSINESS_SERVICES)[number];
/** The name of a business service, as a schema. */
export const BusinessService = oneOf(BUSINESS_SERVICES);

export const PLATFORM_SERVICES = ['ai-operator', 'anomaly-detector', 'dashboard', 'telemetry'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

export type ServiceName = BusinessService | PlatformService;

/** Canonical ports; each service still honours `PORT`. */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze({
  'auth-service': 8001,
  'db-service': 8002,
  'product-service': 8003,
  'payment-service': 8004,
  'ai-operator': 8005,
  'anomaly-detector': 8006,
  dashboard: 7000,
  telemetry: 4318,
});

/** The environment variable through which callers find each service (the seed's names). */
export const SERVICE_URL_ENV: Readonly<Record<BusinessService | 'ai-operator' | 'anomaly-detector', string>> = Object.freeze({
  'auth-service': 'AUTH_SERVICE_URL',
  'db-service': 'DB_SERVICE_URL',
  'product-service': 'PRODUCT_SERVICE_URL',
  'payment-service': 'PAYMENT_SERVICE_URL',
  'ai-operator': 'AI_OPERATOR_URL',
  'anomaly-detector': 'ANOMALY_DETECTOR_URL',
});

/** A node of the dependency graph: a business service or an external system. */
export type GraphNode = BusinessService | 'stripe';

/** The RCA ground truth: caller → callee edges. */
export const DEPENDENCY_GRAPH: ReadonlyArray<readonly [BusinessService, GraphNode]> = Object.freeze([
  ['product-service', 'auth-service'],
  ['product-service', 'db-service'],
  ['payment-service', 'auth-service'],
  ['payment-service', 'db-service'],
  ['payment-service', 'stripe'],
] as const);

/** Direct dependencies of a service. */
export function dependenciesOf(service: GraphNode): GraphNode[] {
  return DEPENDENCY_GRAPH.filter(([from]) => from === service).map(([, to]) => to);
}

/** Services that call the given one directly. */
export function dependentsOf(service: GraphNode): BusinessService[] {
  return DEPENDENCY_GRAPH.filter(([, to]) => to === service).map(([from]) => from);
}

export function isBusinessService(name: string): name is BusinessService {
  return (BUSINESS_SERVICES as readonly string[]).includes(name);
}

/** Short names users type (`auth`, `db`, ...) mapped to service names. */
export function resolveServiceName(name: string): BusinessService | undefined {
  const full = name.endsWith('-service') ? name : `${name}-service`;
  return isBusinessService(full) ? full : undefined;
}
