import type { TSchema, Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// The contracts' schemas use Type.Unsafe enums and formats, which TypeBox's Value cannot check; ajv can.
const ajv = new Ajv({ allErrors: false, strict: false });
const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
addFormats(ajv);

export interface SchemaCheck<T> {
  (value: unknown): value is T;
  /** The first problem of the last failed check, as `<path> <message>`. */
  firstError(value: unknown): string;
}

/** A compiled check of a TypeBox schema, with a readable first error. */
export function schemaCheck<S extends TSchema>(schema: S, root = 'body'): SchemaCheck<Static<S>> {
  const validate: ValidateFunction = ajv.compile(schema);
  const check = ((value: unknown) => validate(value)) as SchemaCheck<Static<S>>;
  check.firstError = (value: unknown): string => {
    if (validate(value)) return '';
    const error = validate.errors?.[0] as ErrorObject | undefined;
    if (!error) return `${root} is invalid`;
    const path = [root, ...error.instancePath.split('/').filter(Boolean)].join('.');
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    return `${path}${missing ? `.${missing}` : ''} ${error.message ?? 'is invalid'}${extra ? ` (${extra})` : ''}${allowed ? ` (${allowed.join(', ')})` : ''}`;
  };
  return check;
}
