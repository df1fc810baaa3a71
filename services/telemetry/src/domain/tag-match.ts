import { DERIVED_TAG_KEYS, spanTags } from './jaeger.ts';
import type { SpanRecord, Tag } from './span.ts';

/** A tag's value as the text a search compares with: booleans as true/false, numbers in decimal. */
function tagText(value: Tag['value']): string {
  return typeof value === 'string' ? value : String(value);
}

const hasTag = (tags: ReadonlyArray<Pick<Tag, 'key' | 'value'>>, key: string, value: string): boolean =>
  tags.some((tag) => tag.key === key && tagText(tag.value) === value);

/**
 * Whether a span matches one tag of a Jaeger search (`tags={"k":"v"}`), as Jaeger's own stores
 * match: a span tag, a process (resource) tag or a log field of that key and value. Span tags
 * include those Jaeger derives from OTLP fields (span.kind, error, otel.status_code, ...), made
 * by the same code that renders them ({@link spanTags}); a log's `event` field is its name.
 */
export function matchesTag(span: SpanRecord, key: string, value: string): boolean {
  if (hasTag(span.attributes, key, value) || hasTag(span.resource, key, value)) return true;
  if (span.events.some((event) => (key === 'event' && event.name === value) || hasTag(event.attributes, key, value))) return true;
  return DERIVED_TAG_KEYS.has(key) && hasTag(spanTags(span), key, value);
}
