import type { Tag } from '../domain/span.ts';

type Entry = [key: string, value: Tag['value'], type?: Tag['type']];

/** The type a JSON value reads as when the entry names none. */
function impliedType(value: Tag['value']): Tag['type'] {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int64' : 'float64';
}

/**
 * The tags of a span row of a file written before the store kept spans in blocks (read once,
 * when such a file is converted): a JSON array of `[key, value]` entries, with the type as a
 * third element only when the value does not imply it (a float64 of integral value, binary),
 * or, in older files, of `{key, type, value}` objects.
 */
export function decodeTags(text: string): Tag[] {
  const parsed = JSON.parse(text) as Array<Entry | Tag>;
  return parsed.map((item) => {
    if (!Array.isArray(item)) return item;
    const [key, value, type] = item;
    return { key, type: type ?? impliedType(value), value };
  });
}
