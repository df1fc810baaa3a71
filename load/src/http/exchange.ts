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

/**
 * Who may cut a request short: `aborted` is read when the request starts, and `cancel` is set to
 * the request's abort while it is in flight (and cleared when it ends). One slot per VU, no
 * listener added and removed per request: at the runner's top rate that churn is measurable.
 */
export interface AbortSlot {
  readonly aborted: boolean;
  cancel: ((reason: Error) => void) | undefined;
}

/**
 * Sends one request through undici's low-level `dispatch`: no response stream is built, the
 * body is kept only when `readBody` asks for it (the login's token) and dropped chunk by
 * chunk otherwise. This is the runner's hot path; `request()` costs a Readable per answer.
 */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest, slot: AbortSlot, readBody: boolean): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] | undefined = readBody ? [] : undefined;
    dispatcher.dispatch(request, {
      onRequestStart(controller) {
        if (slot.aborted) {
          controller.abort(new Error('request aborted'));
          return;
        }
        slot.cancel = (reason) => controller.abort(reason);
      },
      onResponseStart(_controller, statusCode) {
        status = statusCode;
      },
      onResponseData(_controller, chunk) {
        chunks?.push(chunk);
      },
      onResponseEnd() {
        slot.cancel = undefined;
        resolve({ status, body: chunks ? Buffer.concat(chunks).toString('utf8') : undefined });
      },
      onResponseError(_controller, error) {
        slot.cancel = undefined;
        reject(error);
      },
    });
  });
}
