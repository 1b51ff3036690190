import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedWebhook {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The status it was answered with (undefined: never answered). */
  status: number | undefined;
  at: number;
}

/** How a path answers: a status for the n-th request (1-based) with this webhook-id, or 'hang' (never answers). */
export type Answer = (received: ReceivedWebhook, attemptOfThisId: number) => number | 'hang' | Promise<number>;

/** A local webhook receiver on 127.0.0.1: records every request; each path answers as told (200 by default). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server: http.Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const received: ReceivedWebhook = {
          path: req.url ?? '/',
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body,
          status: undefined,
          at: Date.now(),
        };
        const attempt = this.received.filter((r) => r.id === received.id && r.path === received.path).length + 1;
        this.received.push(received);
        const answer = (this.answers.get(received.path) ?? (() => 200))(received, attempt);
        if (answer === 'hang') {
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        void Promise.resolve(answer).then((status) => {
          received.status = status;
          res.writeHead(status).end();
        });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A URL of this receiver answering as `answer` says. */
  url(path: string, answer?: Answer): string {
    if (answer) this.answers.set(path, answer);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  answer(path: string, answer: Answer): void {
    this.answers.set(path, answer);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `done` holds for what `path` received. */
  async until(path: string, done: (received: ReceivedWebhook[]) => boolean, timeoutMs = 30_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.at(path))) {
      if (Date.now() > deadline) throw new Error(`receiver ${path}: condition not met in ${timeoutMs} ms (got ${this.at(path).length} requests)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.at(path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
