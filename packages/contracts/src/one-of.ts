import { Type, type SchemaOptions, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

/** The literal schemas of a tuple of strings, as a tuple (TypeBox's decoded types need a tuple, not an array). */
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** The union schema {@link oneOf} builds for `T`. */
export type TOneOf<T extends readonly string[]> = Literals<T> extends infer L extends TSchema[] ? TUnion<L> : never;

/**
 * A schema accepting exactly one of `values`: a union of string literals (JSON Schema
 * `anyOf` of `const`), so that TypeBox's compiler and Fastify's ajv check it alike and its
 * static type is the union of the values.
 */
export function oneOf<const T extends readonly string[]>(values: T, options?: SchemaOptions): TOneOf<T> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TOneOf<T>;
}
