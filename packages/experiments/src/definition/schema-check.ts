import type { TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/compiler';
import { schemaValidator, type SchemaValidator } from '@archaics/contracts/validate';
import type { DefinitionIssue, YamlSource } from './yaml-source.ts';

const validators = new WeakMap<TSchema, SchemaValidator<unknown>>();

/** The one compiled validator of a schema. */
function validatorOf(schema: TSchema): SchemaValidator<unknown> {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = schemaValidator(schema);
    validators.set(schema, validator);
  }
  return validator;
}

/** `/method/steps/0/at` → `['method', 'steps', 0, 'at']`. */
function pathOf(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  // JSON.stringify gives undefined only for functions and symbols, which YAML never yields.
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A message a person understands for one TypeBox error. */
function messageOf(error: ValueError): string {
  const schema = error.schema as { anyOf?: Array<{ const?: unknown; type?: unknown }>; description?: string; pattern?: string };
  const literals = schema.anyOf?.map((option) => option.const);
  if (literals && literals.length > 0 && literals.every((value) => value !== undefined)) {
    return `must be one of ${literals.map(String).join(', ')} (got ${describe(error.value)})`;
  }
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.Union:
      return `${schema.description ? `must be ${schema.description}` : 'has the wrong type'} (got ${describe(error.value)})`;
    case ValueErrorType.String:
      return `must be a string (got ${describe(error.value)})`;
    case ValueErrorType.StringPattern:
      return `${schema.description ? `must be ${schema.description}` : `must match ${schema.pattern}`} (got ${describe(error.value)})`;
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)} (got ${describe(error.value)})`;
  }
}

/** Every structural problem of `value` against `schema`, one per field, each with its line. */
export function schemaIssues(
  schema: TSchema,
  value: unknown,
  source: YamlSource,
  root: ReadonlyArray<string | number> = [],
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const seen = new Set<string>();
  const validator = validatorOf(schema);
  if (validator.check(value)) return issues;
  for (const error of validator.errors(value)) {
    const path = [...root, ...pathOf(error.path)];
    const key = path.join('/');
    // The first error of a field is its most direct; a union also reports each option's.
    if ([...seen].some((other) => key === other || key.startsWith(`${other}/`))) continue;
    seen.add(key);
    issues.push(source.issue(path, messageOf(error)));
    if (issues.length >= 20) break;
  }
  return issues;
}
