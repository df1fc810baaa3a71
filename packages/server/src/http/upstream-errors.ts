import { AppError } from '../errors/app-error.ts';
import type { UpstreamFailure } from './dependency-client.ts';

/**
 * The caller's answer for a failed dependency call (SPEC §2 "Dependency calls"):
 * timeout 504, error or unreachable 502, an unreadable body 502 upstream_bad_data, open circuit 503. For auth every failure but
 * an open circuit is 503 `auth_unavailable`.
 */
export function upstreamFailureError(failure: UpstreamFailure, style: 'auth' | 'data' = 'data'): AppError {
  const upstream = failure.upstream;
  const detail = failure.message;
  if (failure.kind === 'circuit_open') return new AppError(503, 'circuit_open', detail, { upstream });
  if (failure.kind === 'bad_response' && style === 'data') return new AppError(502, 'upstream_bad_data', detail, { upstream });
  if (style === 'auth') return new AppError(503, 'auth_unavailable', detail, { upstream });
  if (failure.kind === 'timeout') return new AppError(504, 'upstream_timeout', detail, { upstream });
  return new AppError(502, 'upstream_error', detail, { upstream });
}
