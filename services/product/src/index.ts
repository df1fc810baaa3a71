export { buildApp } from './app.ts';
export type { ProductDeps } from './app.ts';
export { loadConfig } from './config.ts';
export type { ProductConfig } from './config.ts';
