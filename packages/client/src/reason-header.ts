/** The header that says why a fault was injected or reset (the services log it). */
export const REASON_HEADER = 'X-Archaics-Reason';

/** A header value fetch accepts: printable ASCII kept, anything else percent-encoded, at most 500 characters. */
export function reasonHeaderValue(reason: string): string {
  return reason
    .slice(0, 500)
    .replace(/[^\x20-\x7e]/gu, (char) => encodeURIComponent(char))
    .trim();
}
