// `@archaics/contracts/validate`: checks of values that do not come through a Fastify route.
// A separate entry point, so that importing the contracts does not load TypeBox's compiler.
export { schemaValidator, issueText } from './schema-validator.ts';
export type { SchemaIssue, SchemaValidator } from './schema-validator.ts';
export { checkProduct, checkCartItem, checkProducts, checkCartItems } from './record-checks.ts';
