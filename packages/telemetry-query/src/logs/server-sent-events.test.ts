import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverSentEvents, type ServerSentEvent } from './server-sent-events.ts';

async function* chunks(parts: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(parts: readonly string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of serverSentEvents(chunks(parts))) events.push(event);
  return events;
}

const STREAM = [
  ': connected',
  'retry: 1000',
  'data: {"service":"db-service","message":"a"}',
  '',
  'event: log',
  'id: 42',
  'data:{"message":"b"}',
  '',
  'data: first',
  'data: second',
  '',
  'event: ping',
  '',
  'data',
  '',
  'data: héllo — ✓',
  '',
  '',
].join('\r\n');

const EXPECTED: ServerSentEvent[] = [
  { event: 'message', data: '{"service":"db-service","message":"a"}' },
  { event: 'log', data: '{"message":"b"}', id: '42' },
  { event: 'message', data: 'first\nsecond', id: '42' },
  { event: 'message', data: '', id: '42' },
  { event: 'message', data: 'héllo — ✓', id: '42' },
];

describe(serverSentEvents.name, () => {
  it('does read events: comments, named events, ids, multi-line and empty data, events without data skipped', async () => {
    expect(await collect([STREAM])).toEqual(EXPECTED);
  });

  it('does read LF and CR line ends as well as CRLF', async () => {
    expect(await collect([STREAM.replaceAll('\r\n', '\n')])).toEqual(EXPECTED);
    expect(await collect([STREAM.replaceAll('\r\n', '\r')])).toEqual(EXPECTED);
  });

  it('does give the same events however the bytes are cut into chunks (CRLF and UTF-8 split included)', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), async (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        async function* pieces(): AsyncGenerator<Uint8Array> {
          for (let i = 1; i < bounds.length; i++) yield bytes.slice(bounds[i - 1], bounds[i]);
        }
        const events: ServerSentEvent[] = [];
        for await (const event of serverSentEvents(pieces())) events.push(event);
        expect(events).toEqual(EXPECTED);
      }),
      { numRuns: 200 },
    );
  });

  it('does drop an event the stream ended before closing', async () => {
    expect(await collect(['data: done\n\n', 'data: cut off'])).toEqual([{ event: 'message', data: 'done' }]);
  });
});
