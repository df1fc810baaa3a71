export { buildApp } from './app.ts';
export type { PaymentDeps } from './app.ts';
export { loadConfig } from './config.ts';
export type { CheckoutMode, PaymentConfig } from './config.ts';
