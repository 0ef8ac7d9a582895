// A webhook receiver for tests: a real node:http server that checks each delivery's signature
// and records it; it can answer with an error status, or be stopped and started on its port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../src/webhooks/sign.js';

/** One delivery as received. */
export interface Received {
  id: string;
  type: string;
  createdAt: number;
  eventId: string;
  data: any;
  /** Whether the signature checked out with the receiver's secret. */
  signed: boolean;
  /** The status the receiver answered. */
  status: number;
}

/** A receiver on 127.0.0.1. */
export class WebhookReceiver {
  /** Every request, in arrival order, with the status it got. */
  readonly received: Received[] = [];
  /** What to answer: 200, or an error status to make the sender retry. */
  status = 200;
  private server: Server | null = null;
  private port = 0;

  private constructor(private readonly secret: string) {}

  /** Starts a receiver checking signatures with `secret`. */
  static async start(secret: string, port = 0): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(secret);
    r.port = port;
    await r.up();
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** The deliveries answered 2xx. */
  get delivered(): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Listens (again) on its port. */
  async up(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['x-livecomments-signature'] ?? '');
      const parsed = JSON.parse(body);
      this.received.push({ ...parsed, signed: verifySignature(this.secret, body, header), status: this.status });
      res.writeHead(this.status).end();
    });
  }
}
