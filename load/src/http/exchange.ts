import type { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';

/** What one request came back with: its status, and its body when it was asked for. */
export interface Exchange {
  status: number;
  body: string | undefined;
}

export interface ExchangeRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  /** A flat [name, value, ...] list. */
  headers: string[];
  body: string | null;
}

/** A stand-in for AbortSignal that undici-free code can fire: `aborted` plus an 'abort' event. */
export type AbortSwitch = EventEmitter & { readonly aborted: boolean };

/**
 * Sends one request through undici's low-level `dispatch`: no response stream is built, the
 * body is kept only when `readBody` asks for it (the login's token) and dropped chunk by
 * chunk otherwise. This is the runner's hot path; `request()` costs a Readable per answer.
 */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest, abort: AbortSwitch, readBody: boolean): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    let onAbort: (() => void) | undefined;
    const done = (): void => {
      if (onAbort) abort.removeListener('abort', onAbort);
    };
    dispatcher.dispatch(request, {
      onRequestStart(controller) {
        if (abort.aborted) {
          controller.abort(new Error('request aborted'));
          return;
        }
        onAbort = () => controller.abort(new Error('request aborted'));
        abort.once('abort', onAbort);
      },
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData(_controller, chunk) {
        if (readBody) chunks.push(chunk);
      },
      onResponseEnd() {
        done();
        resolve({ status, body: readBody ? Buffer.concat(chunks).toString('utf8') : undefined });
      },
      onResponseError(_controller, error) {
        done();
        reject(error);
      },
    });
  });
}
