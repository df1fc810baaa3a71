import { SPAN_KIND_NAMES } from '../domain/span.ts';

const KINDS = 6;

/** An operation of a service and its stored spans per span kind. */
export interface OperationName {
  readonly service: string;
  readonly operation: string;
  readonly counts: number[];
}

/**
 * The services and operations (with their span kinds) of the stored spans, counted in
 * memory: the listings of the Jaeger API without an index on names that every span written
 * would have to update. Kept in step with every write and delete of the repository.
 */
export class NameCatalogue {
  /** service → operation → spans stored per OTLP span kind (0..5). */
  private readonly names = new Map<string, Map<string, OperationName>>();

  /** Counts a stored span; returns its operation's entry, which {@link NameCatalogue.removeSpan} takes. */
  add(service: string, operation: string, kind: number): OperationName {
    let operations = this.names.get(service);
    if (!operations) this.names.set(service, (operations = new Map<string, OperationName>()));
    let name = operations.get(operation);
    if (!name) operations.set(operation, (name = { service, operation, counts: new Array<number>(KINDS).fill(0) }));
    name.counts[kind] = (name.counts[kind] ?? 0) + 1;
    return name;
  }

  /** Uncounts a span of the operation entry {@link NameCatalogue.add} gave. */
  removeSpan(name: OperationName, kind: number): void {
    const { counts } = name;
    if (!counts[kind]) return;
    counts[kind]--;
    if (counts.some((n) => n > 0)) return;
    const operations = this.names.get(name.service);
    if (operations?.get(name.operation) !== name) return;
    operations.delete(name.operation);
    if (operations.size === 0) this.names.delete(name.service);
  }

  /** Service names, sorted. */
  services(): string[] {
    return [...this.names.keys()].sort(byCodePoint);
  }

  /** Operation names of a service, sorted. */
  operations(service: string): string[] {
    return [...(this.names.get(service)?.keys() ?? [])].sort(byCodePoint);
  }

  /** Operations of a service with each span kind they were stored with, by name then kind. */
  operationsWithKind(service: string): Array<{ name: string; spanKind: string }> {
    const result: Array<{ name: string; spanKind: string }> = [];
    for (const name of this.operations(service)) {
      const { counts } = this.names.get(service)!.get(name)!;
      counts.forEach((n, kind) => {
        if (n > 0) result.push({ name, spanKind: SPAN_KIND_NAMES[kind] ?? '' });
      });
    }
    return result;
  }

  /** Spans stored per service. */
  spansByService(): Map<string, number> {
    const result = new Map<string, number>();
    for (const [service, operations] of this.names) {
      let n = 0;
      for (const { counts } of operations.values()) for (const c of counts) n += c;
      result.set(service, n);
    }
    return result;
  }

  clear(): void {
    this.names.clear();
  }
}

/** SQLite's BINARY order of UTF-8 text, which is code point order (not UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}
