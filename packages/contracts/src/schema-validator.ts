import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler';

/** One problem of a value against a schema: the field it is in and what is wrong with it. */
export interface SchemaIssue {
  /** The field, dotted (`window.start`, `anomalous_services.0`); `''` for the value itself. */
  readonly path: string;
  /** What is wrong, in words that follow the field name: `is missing`, `is not a number`. */
  readonly message: string;
}

/**
 * A schema compiled by TypeBox's compiler, for values that do not come through a Fastify
 * route (whose schemas Fastify's ajv checks). Compiled on first use, not when created.
 */
export interface SchemaValidator<T> {
  /** True when `value` matches the schema. */
  check(value: unknown): value is T;
  /** The problems of `value`: the first of each field, at most `limit`; none when it matches. */
  issues(value: unknown, limit?: number): SchemaIssue[];
  /** The first problem of `value` as one phrase under `root` (`body.window is missing`); '' when it matches. */
  explain(value: unknown, root?: string): string;
  /** TypeBox's own errors, for a caller that words them itself. */
  errors(value: unknown): Iterable<ValueError>;
}

/** A lazily compiled {@link SchemaValidator} of `schema`. */
export function schemaValidator<S extends TSchema>(schema: S): SchemaValidator<Static<S>> {
  let compiled: TypeCheck<S> | undefined;
  const compile = (): TypeCheck<S> => {
    if (compiled === undefined) {
      registerFormats();
      compiled = TypeCompiler.Compile(schema);
    }
    return compiled;
  };
  const issues = (value: unknown, limit = 10): SchemaIssue[] => {
    const validator = compile();
    if (validator.Check(value)) return [];
    return firstPerField(validator.Errors(value), limit).map((error) => ({ path: dottedPath(error.path), message: issueMessage(error) }));
  };
  return {
    check: (value: unknown): value is Static<S> => compile().Check(value),
    issues,
    explain(value: unknown, root = ''): string {
      const [issue] = issues(value, 1);
      return issue === undefined ? '' : issueText(issue, root);
    },
    errors: (value: unknown): Iterable<ValueError> => compile().Errors(value),
  };
}

/** `body.window.start is missing`: an issue as one phrase, under `root` when given. */
export function issueText(issue: SchemaIssue, root = ''): string {
  const field = [root, issue.path].filter((part) => part !== '').join('.');
  return field === '' ? issue.message : `${field} ${issue.message}`;
}

/**
 * The first error of each field, in TypeBox's order (a field's most direct problem comes
 * first; a missing field is also reported against its type, and a field inside one that
 * already failed adds nothing).
 */
function firstPerField(errors: Iterable<ValueError>, limit: number): ValueError[] {
  const kept: ValueError[] = [];
  for (const error of errors) {
    if (kept.length >= limit) break;
    if (kept.some((other) => error.path === other.path || error.path.startsWith(`${other.path}/`))) continue;
    kept.push(error);
  }
  return kept;
}

/** `/window/start` → `window.start`. */
function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

interface SchemaFacets {
  readonly type?: unknown;
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaFacets[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A string schema that refuses empty and blank strings. */
const isNonBlank = (schema: SchemaFacets): boolean => (schema.minLength ?? 0) >= 1 || schema.pattern === '\\S';
const isPositiveInteger = (schema: SchemaFacets): boolean => schema.type === 'integer' && schema.minimum === 1;

/** What a value of `schema` is, as a noun phrase: `a string`, `one of a, b`. */
function nounOf(schema: SchemaFacets): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf)
    return (
      schema.anyOf
        .filter((option) => option.type !== 'null')
        .map(nounOf)
        .join(' or ') || 'null'
    );
  switch (schema.type) {
    case 'string':
      return isNonBlank(schema) ? 'a non-empty string' : 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return isPositiveInteger(schema) ? 'a positive integer' : 'an integer';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return 'of the expected type';
  }
}

/** The words for one TypeBox error, to follow the field's name. */
function issueMessage(error: ValueError): string {
  const schema = error.schema as SchemaFacets;
  const value = error.value;
  if (error.type === ValueErrorType.ObjectRequiredProperty || value === undefined) return 'is missing';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return 'is not a known field';
  const typeError = [
    ValueErrorType.String,
    ValueErrorType.Number,
    ValueErrorType.Integer,
    ValueErrorType.Boolean,
    ValueErrorType.Array,
    ValueErrorType.Literal,
    ValueErrorType.Union,
    ValueErrorType.Tuple,
  ].includes(error.type);
  // An object schema says 'is not an object' of null as of anything else.
  if (typeError && value === null) return 'is null';
  switch (error.type) {
    case ValueErrorType.Union: {
      const options = schema.anyOf ?? [];
      if (options.length > 0 && options.every((option) => option.const !== undefined)) {
        return `is not one of ${options.map((option) => String(option.const)).join(', ')}`;
      }
      return `is not ${nounOf(schema)}`;
    }
    case ValueErrorType.String:
    case ValueErrorType.Object:
    case ValueErrorType.Array:
    case ValueErrorType.Boolean:
    case ValueErrorType.Literal:
      return `is not ${nounOf(schema)}`;
    case ValueErrorType.Number:
      return 'is not a number';
    case ValueErrorType.Integer:
      return typeof value === 'number' && Number.isFinite(value) ? `is not ${nounOf(schema)}` : 'is not a number';
    case ValueErrorType.StringMinLength:
      return isNonBlank(schema) && schema.minLength === 1 ? 'is not a non-empty string' : `is shorter than ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `is longer than ${schema.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return schema.pattern === '\\S' ? 'is not a non-empty string' : `does not match ${schema.pattern}`;
    case ValueErrorType.StringFormat:
      return `is not a ${schema.format} string`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      if (schema.minimum === 0) return 'is negative';
      return isPositiveInteger(schema) ? 'is not a positive integer' : `is less than ${schema.minimum}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `is not more than ${schema.exclusiveMinimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `is more than ${schema.maximum}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `is not less than ${schema.exclusiveMaximum}`;
    case ValueErrorType.ArrayMinItems:
      return `has fewer than ${schema.minItems} items`;
    case ValueErrorType.ArrayMaxItems:
      return `has more than ${schema.maxItems} items`;
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/** RFC 3339 date-time with a time zone, as ajv-formats checks `date-time`. */
function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, zoneHour, zoneMinute] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60 && zoneHour <= 23 && zoneMinute <= 59;
}

/** TypeBox knows no string format until one is registered; these are the ones the contracts use. */
function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (text) => UUID.test(text));
}
