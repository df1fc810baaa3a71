import { setTimeout as sleep } from 'node:timers/promises';
import { signBody } from '@archaics/runtime';
import { type Logger } from '@archaics/server';
import { SIGNATURE_HEADER, type AnomalyWebhook } from '@archaics/contracts';

export interface WebhookOptions {
  /** The operator's base URL; the webhook goes to `<url>/analyze`. */
  readonly operatorUrl: string;
  readonly secret: string;
  /** Attempts in all, the first included (`WEBHOOK_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
  /** Delay before the second attempt, doubled for each next one (`WEBHOOK_BACKOFF_MS`). */
  readonly backoffMs: number;
  /** Deadline of one attempt. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Told of every attempt's outcome (for metrics and /anomalies). */
  readonly onAttempt?: (outcome: DeliveryState) => void;
}

export interface DeliveryState {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The operator's incident id, from its 202 answer. */
  incident_id: string | null;
  last_error: string | null;
  delivered_at: string | null;
}

/**
 * Sends one webhook per episode to the operator, HMAC-signed, retrying with exponential
 * backoff on network errors, timeouts, 408, 429 and 5xx; other 4xx answers are final. The
 * caller does not wait: scoring goes on whether the operator answers or not.
 */
export class OperatorWebhook {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: WebhookOptions) {}

  /** Starts the delivery and returns its state object, which is updated in place. */
  send(payload: AnomalyWebhook): DeliveryState {
    const state: DeliveryState = { status: 'pending', attempts: 0, incident_id: null, last_error: null, delivered_at: null };
    const delivery = this.deliver(payload, state).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
    return state;
  }

  /** Stops retrying and waits for attempts in flight to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(payload: AnomalyWebhook, state: DeliveryState): Promise<void> {
    const { operatorUrl, secret, maxAttempts, backoffMs, timeoutMs, logger } = this.options;
    const url = `${operatorUrl.replace(/\/+$/, '')}/analyze`;
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) };
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      state.attempts = attempt;
      let retry = true;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]),
        });
        const text = await response.text();
        if (response.ok) {
          state.status = 'delivered';
          state.delivered_at = new Date().toISOString();
          state.last_error = null;
          state.incident_id = incidentIdOf(text);
          logger.info(`webhook for ${payload.anomaly_id} delivered to ${url} (incident ${state.incident_id ?? 'unknown'})`);
          this.options.onAttempt?.(state);
          return;
        }
        retry = response.status === 408 || response.status === 429 || response.status >= 500;
        state.last_error = `HTTP ${response.status}: ${text.slice(0, 200)}`;
      } catch (error) {
        state.last_error = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      }
      this.options.onAttempt?.(state);
      if (!retry || attempt === maxAttempts || this.closed) break;
      logger.warn(`webhook for ${payload.anomaly_id} to ${url} failed (attempt ${attempt}/${maxAttempts}): ${state.last_error}`);
      await sleep(backoffMs * 2 ** (attempt - 1), undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
    state.status = 'failed';
    logger.error(`webhook for ${payload.anomaly_id} to ${url} gave up after ${state.attempts} attempts: ${state.last_error}`);
    this.options.onAttempt?.(state);
  }
}

function incidentIdOf(text: string): string | null {
  try {
    const id = (JSON.parse(text) as { incident_id?: unknown }).incident_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
