import { Agent } from 'undici';
import { exchange, type AbortSlot, type Exchange, type ExchangeRequest } from './exchange.ts';
import { Http1Client } from './http1-client.ts';

/** Which client sends the journeys' requests: see {@link createTransport}. */
export type HttpClientName = 'builtin' | 'undici';
export const HTTP_CLIENT_NAMES: readonly HttpClientName[] = ['builtin', 'undici'];

/** What the journeys send requests through. */
export interface Transport {
  readonly client: HttpClientName;
  exchange(request: ExchangeRequest, slot: AbortSlot, readBody: boolean): Promise<Exchange>;
  close(): Promise<void>;
}

/**
 * `builtin` (the default): http:// origins through the runner's own keep-alive HTTP/1.1 client
 * (http1-client.ts), https:// through undici. `undici`: everything through undici's Agent.
 */
export function createTransport(client: HttpClientName, requestTimeoutMs: number): Transport {
  let agent: Agent | undefined;
  const undiciAgent = (): Agent =>
    (agent ??= new Agent({ headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs, keepAliveTimeout: 30_000 }));
  const http1 = client === 'builtin' ? new Http1Client({ requestTimeoutMs }) : undefined;
  return {
    client,
    exchange(request, slot, readBody) {
      if (http1 && request.origin.startsWith('http:')) return http1.exchange(request, slot, readBody);
      return exchange(undiciAgent(), request, slot, readBody);
    },
    async close() {
      http1?.close();
      await agent?.destroy().catch(() => undefined);
    },
  };
}

/** Reads `LOAD_HTTP_CLIENT` (builtin or undici; unset means builtin); undefined for anything else. */
export function httpClientNamed(value: string | undefined): HttpClientName | undefined {
  const name = value?.trim() ?? '';
  if (name === '') return 'builtin';
  return (HTTP_CLIENT_NAMES as readonly string[]).includes(name) ? (name as HttpClientName) : undefined;
}
