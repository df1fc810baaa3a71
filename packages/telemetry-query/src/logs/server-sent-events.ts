/** One event of a `text/event-stream`. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when absent. */
  readonly event: string;
  /** The `data:` lines, joined with newlines. */
  readonly data: string;
  readonly id?: string;
}

/**
 * Reads server-sent events from a byte stream (e.g. fetch's `response.body`), following
 * the WHATWG parsing rules: CRLF, LF or CR line ends (split across chunks too), `:`
 * comments, one optional space after the colon, multi-line `data`, events without data
 * skipped. A small reader instead of the `eventsource` package, whose current major needs
 * Node >= 22.12 (this project runs on Node 20).
 */
export async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;

  function* takeLines(final: boolean): Generator<ServerSentEvent> {
    for (;;) {
      const match = /\r\n|\n|\r/.exec(buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === buffer.length - 1 && !final) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), ...(id === undefined ? {} : { id }) };
        data = [];
        event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* takeLines(false);
  }
  buffer += decoder.decode();
  yield* takeLines(true);
  // An event not closed by a blank line at the end of the stream is dropped, as the spec says.
}
