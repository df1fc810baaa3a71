export { buildApp } from './app.ts';
export type { DbAppDeps } from './app.ts';
export { loadConfig } from './config.ts';
export type { DbConfig } from './config.ts';
