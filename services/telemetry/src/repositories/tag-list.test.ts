import { describe, expect, it } from 'vitest';
import type { Tag } from '../domain/span.ts';
import { decodeTags } from './tag-list.ts';

const tags: Tag[] = [
  { key: 's', type: 'string', value: 'GET' },
  { key: 'b', type: 'bool', value: false },
  { key: 'i', type: 'int64', value: 200 },
  { key: 'f', type: 'float64', value: 0.25 },
  { key: 'whole float', type: 'float64', value: 2 },
  { key: 'bytes', type: 'binary', value: 'AAE=' },
  { key: 's', type: 'string', value: 'the same key twice' },
  { key: '0', type: 'string', value: 'a key that looks like an index' },
];

describe(decodeTags.name, () => {
  it('does read compact entries, with the type implied by the value unless written', () => {
    const text =
      '[["s","GET"],["b",false],["i",200],["f",0.25],["whole float",2,"float64"],["bytes","AAE=","binary"],["s","the same key twice"],["0","a key that looks like an index"]]';
    expect(decodeTags(text)).toEqual(tags);
    expect(decodeTags('[]')).toEqual([]);
  });

  it('does read the {key, type, value} objects of older files', () => {
    expect(decodeTags(JSON.stringify(tags))).toEqual(tags);
  });
});
