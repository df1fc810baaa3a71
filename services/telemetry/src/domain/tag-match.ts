import { SPAN_KIND_NAMES, STATUS_ERROR, STATUS_OK, type SpanRecord, type Tag } from './span.ts';

/** A tag's value as the text a search compares with: booleans as true/false, numbers in decimal. */
export function tagText(value: Tag['value']): string {
  return typeof value === 'string' ? value : String(value);
}

const hasTag = (tags: readonly Tag[], key: string, value: string): boolean => tags.some((tag) => tag.key === key && tagText(tag.value) === value);

/**
 * Whether a span matches one tag of a Jaeger search (`tags={"k":"v"}`), as Jaeger's own stores
 * match: a span tag, a process (resource) tag or a log (event) field of that key and value, or
 * one of the tags Jaeger derives from OTLP fields (span.kind, error, otel.status_code,
 * otel.status_description, otel.scope.name, otel.scope.version, w3c.tracestate, event).
 */
export function matchesTag(span: SpanRecord, key: string, value: string): boolean {
  if (hasTag(span.attributes, key, value) || hasTag(span.resource, key, value)) return true;
  if (span.events.some((event) => hasTag(event.attributes, key, value))) return true;
  switch (key) {
    case 'span.kind':
      return SPAN_KIND_NAMES[span.kind] === value;
    case 'error':
      return value === 'true' && span.statusCode === STATUS_ERROR;
    case 'otel.status_code':
      return (value === 'OK' && span.statusCode === STATUS_OK) || (value === 'ERROR' && span.statusCode === STATUS_ERROR);
    case 'otel.status_description':
      return span.statusMessage === value;
    case 'otel.scope.name':
      return span.scopeName === value;
    case 'otel.scope.version':
      return span.scopeVersion === value;
    case 'w3c.tracestate':
      return span.traceState === value;
    case 'event':
      return span.events.some((event) => event.name === value);
    default:
      return false;
  }
}
