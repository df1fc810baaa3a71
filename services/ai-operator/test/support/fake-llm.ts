import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLlmRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: any;
}

/**
 * A local server speaking the two HTTP APIs the real SDKs use: Gemini's
 * `POST /v1beta/models/{model}:generateContent` and OpenAI's `POST /v1/chat/completions`.
 * The test decides the model's text, a delay, or a failure status.
 */
export class FakeLlm {
  readonly requests: FakeLlmRequest[] = [];
  answer = '{}';
  delayMs = 0;
  status = 200;
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The text of the last prompt, whichever API carried it. */
  lastPrompt(): string {
    return JSON.stringify(this.requests.at(-1)?.body ?? null);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: text ? JSON.parse(text) : null });
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (res.destroyed) return;
    res.setHeader('content-type', 'application/json');
    if (this.status !== 200) {
      res.statusCode = this.status;
      res.end(JSON.stringify({ error: { code: this.status, message: 'fake failure', status: 'INTERNAL' } }));
      return;
    }
    if (/:generateContent$/.test(path.split('?')[0]!)) {
      res.end(
        JSON.stringify({
          candidates: [{ content: { role: 'model', parts: [{ text: this.answer }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 },
          modelVersion: 'fake',
        }),
      );
    } else if (path.split('?')[0]!.endsWith('/chat/completions')) {
      res.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: this.requests.at(-1)?.body?.model ?? 'fake',
          choices: [
            { index: 0, message: { role: 'assistant', content: this.answer, refusal: null }, finish_reason: 'stop', logprobs: null },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
    }
  }
}
