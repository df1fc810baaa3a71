import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.ts';

describe(LineSplitter.name, () => {
  it('keeps a partial line until its newline arrives in a later chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(Buffer.from(':2}'))).toEqual([]);
    expect(splitter.push(Buffer.from('\r\nlast'))).toEqual(['{"b":2}']);
    expect(splitter.end()).toEqual(['last']);
    expect(splitter.end()).toEqual([]);
  });

  it('does not break a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('café — ok\n');
    const splitter = new LineSplitter();
    const lines = [...bytes].flatMap((byte) => splitter.push(Buffer.from([byte])));
    expect(lines).toEqual(['café — ok']);
  });

  it('cuts a line that grows past the limit instead of buffering it forever', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push('x'.repeat(25))).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    expect(splitter.end()).toEqual(['xxxxx']);
  });
});
