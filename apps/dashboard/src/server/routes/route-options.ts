import { ErrorResponse } from '@archaics/contracts';
import { AppError } from '@archaics/server';
import { TelemetryQueryError } from '@archaics/telemetry-query';

/** Routes the UI polls every second or two: logged at DEBUG (as /health is), not once per poll at INFO. */
export const POLLED = { control: true } as const;

/** The error answers of the API, all `{error, detail}`. */
export const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 502: ErrorResponse } as const;

/** A telemetry backend that did not answer becomes a 502 naming it. */
export function telemetryError(error: unknown): never {
  if (error instanceof TelemetryQueryError) throw new AppError(502, 'telemetry_unavailable', error.message);
  throw error;
}
