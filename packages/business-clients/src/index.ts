export { AuthClient } from './auth.client.ts';
export type { AuthenticatedUser } from './auth.client.ts';
export { DbServiceClient, dbServiceBadData } from './db-service.client.ts';
export type { DbServiceClientOptions } from './db-service.client.ts';
export { authenticator } from './authenticate.ts';
export type { Authenticator } from './authenticate.ts';
