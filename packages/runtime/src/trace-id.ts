const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZERO_TRACE = '0'.repeat(32);

/**
 * Normalises a legacy `X-Trace-ID` value: 32 hex digits, or a UUID (mapped to its 32
 * hex digits). Anything else (or the all-zero id) is not a trace id.
 */
export function parseLegacyTraceId(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const lower = raw.trim().toLowerCase();
  const hex = UUID.test(lower) ? lower.replaceAll('-', '') : lower;
  return HEX32.test(hex) && hex !== ZERO_TRACE ? hex : undefined;
}
