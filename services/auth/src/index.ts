export { buildApp } from './app.ts';
export type { AuthAppDeps } from './app.ts';
export { loadConfig } from './config.ts';
export type { AuthConfig } from './config.ts';
