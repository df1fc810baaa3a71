import type { Tag } from '../domain/span.ts';

type Entry = [key: string, value: Tag['value'], type?: Tag['type']];

/** The type a JSON value reads as when the entry names none. */
function impliedType(value: Tag['value']): Tag['type'] {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int64' : 'float64';
}

/**
 * Tags as the span table stores them: a JSON array of `[key, value]`, with the type as a third
 * element only when the value does not imply it (a float64 of integral value, binary). Half
 * the bytes of `{key, type, value}` objects, and every byte of a row costs on each write.
 * SQL reads an entry's key at `$[0]` and its value at `$[1]`.
 */
export function encodeTags(tags: readonly Tag[]): string {
  if (tags.length === 0) return '[]';
  // Written as text directly (this runs for every span stored): what JSON.stringify of the entries gives.
  let text = '[';
  for (let i = 0; i < tags.length; i++) {
    const { key, type, value } = tags[i]!;
    if (i > 0) text += ',';
    text += `[${JSON.stringify(key)},${JSON.stringify(value)}`;
    text += impliedType(value) === type ? ']' : `,"${type}"]`;
  }
  return `${text}]`;
}

/** The tags of {@link encodeTags}'s text, or of the `{key, type, value}` objects that files written before it hold. */
export function decodeTags(text: string): Tag[] {
  const parsed = JSON.parse(text) as Array<Entry | Tag>;
  return parsed.map((item) => {
    if (!Array.isArray(item)) return item;
    const [key, value, type] = item;
    return { key, type: type ?? impliedType(value), value };
  });
}
