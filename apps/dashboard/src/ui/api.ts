import { useEffect, useRef, useState } from 'react';

/** An API error with the server's `{error, detail}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

export async function api<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: 'bad_response', detail: text.slice(0, 200) };
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; detail?: string };
    throw new ApiError(res.status, b.error ?? `http_${res.status}`, b.detail ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** Polls `fetcher` every `everyMs` while mounted; returns the latest value and error. */
export function usePoll<T>(
  fetcher: () => Promise<T>,
  everyMs: number,
  deps: readonly unknown[] = [],
): { data: T | null; at: number; error: string | null; refresh: () => void } {
  const [state, setState] = useState<{ data: T | null; at: number }>({ data: null, at: 0 });
  const data = state.data;
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    let alive = true;
    let timer = 0;
    const run = async (): Promise<void> => {
      try {
        const value = await fetcherRef.current();
        if (alive) {
          setState({ data: value, at: Date.now() });
          setError(null);
        }
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
      if (alive) timer = window.setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
    // The dependency list is deliberate (fewer entries than the values the effect reads).
  }, [everyMs, tick, ...deps]);
  return { data, at: state.at, error, refresh: () => setTick((t) => t + 1) };
}

/** Seconds left of a timed fault, counting down locally between polls. */
export function useCountdown(remainingS: number | null | undefined, readAt: number): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (remainingS === null || remainingS === undefined) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [remainingS]);
  if (remainingS === null || remainingS === undefined) return null;
  return Math.max(0, Math.ceil(remainingS - Math.max(0, now - readAt) / 1000));
}

export const shortName = (service: string): string => service.replace(/-service$/, '');

export function formatUs(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(1)} ms`;
  return `${us} µs`;
}
