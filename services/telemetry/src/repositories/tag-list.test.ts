import { describe, expect, it } from 'vitest';
import type { Tag } from '../domain/span.ts';
import { decodeTags, encodeTags } from './tag-list.ts';

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

describe(encodeTags.name, () => {
  it('does give back every tag, in order, with its type, duplicates included', () => {
    expect(decodeTags(encodeTags(tags))).toEqual(tags);
  });

  it('does write the type only where the value does not imply it', () => {
    expect(encodeTags(tags.slice(0, 6))).toBe('[["s","GET"],["b",false],["i",200],["f",0.25],["whole float",2,"float64"],["bytes","AAE=","binary"]]');
    expect(encodeTags([])).toBe('[]');
  });

  it('does read the {key, type, value} objects of files written before', () => {
    expect(decodeTags(JSON.stringify(tags))).toEqual(tags);
  });
});
