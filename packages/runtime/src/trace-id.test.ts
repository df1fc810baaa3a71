import { describe, expect, it } from 'vitest';
import { parseLegacyTraceId } from './trace-id.ts';

describe(parseLegacyTraceId.name, () => {
  it('maps a UUID to its 32 hex digits and keeps 32 hex digits', () => {
    expect(parseLegacyTraceId('550E8400-e29b-41d4-a716-446655440000')).toBe('550e8400e29b41d4a716446655440000');
    expect(parseLegacyTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
  it('rejects anything else', () => {
    for (const bad of ['', 'abc', '0'.repeat(32), 'g'.repeat(32), '550e8400-e29b-41d4-a716', undefined]) {
      expect(parseLegacyTraceId(bad)).toBeUndefined();
    }
  });
});
