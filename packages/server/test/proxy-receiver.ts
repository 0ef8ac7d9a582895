// The app's backend for proxy tests: a real node:http server answering the connect and post
// proxies (POST /connect, POST /post) with a handler the test sets. It records every request
// (body, headers, whether the signature checked out), can hold an answer until the test
// releases it, answer late, fail, or be stopped and started on its port.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../src/webhooks/sign.js';

/** One request as received. */
export interface ProxyRequest {
  path: string;
  body: any;
  headers: IncomingHttpHeaders;
  /** The raw body, for searching. */
  raw: string;
  /** Whether the signature checked out (false without a secret). */
  signed: boolean;
}

/** What the handler answers: a JSON body with a status, after `delayMs`, or after `hold` resolves. */
export interface ProxyReply {
  status?: number;
  json?: unknown;
  /** Raw text instead of JSON (a malformed answer). */
  text?: string;
  delayMs?: number;
  hold?: Promise<void>;
}

/** Decides the answer to a request. */
export type ProxyHandler = (request: ProxyRequest) => ProxyReply;

/** An app backend on 127.0.0.1. */
export class ProxyReceiver {
  readonly received: ProxyRequest[] = [];
  handler: ProxyHandler = () => ({ json: { allow: true, user: null } });
  private server: Server | null = null;
  private port = 0;

  private constructor(private readonly secret: string | undefined) {}

  static async start(secret?: string): Promise<ProxyReceiver> {
    const r = new ProxyReceiver(secret);
    await r.up();
    return r;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests received on `path` (`/connect` or `/post`). */
  on(path: string): ProxyRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: calls are refused until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const signature = String(req.headers['x-livecomments-signature'] ?? '');
    const request: ProxyRequest = {
      path: req.url ?? '/',
      body: JSON.parse(raw),
      headers: req.headers,
      raw,
      signed: this.secret !== undefined && verifySignature(this.secret, raw, signature),
    };
    this.received.push(request);
    const reply = this.handler(request);
    if (reply.hold) await reply.hold;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(reply.text ?? JSON.stringify(reply.json ?? {}));
  }
}

/** A gate a held answer waits on; `open()` lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
