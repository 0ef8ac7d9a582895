// The capped reader against a real HTTP server: a huge chunked answer is abandoned at the cap
// (the server sees its client go away long before the end), for the reader itself and for its
// two users, the classifier hook and the app's proxy.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ClassifierHook } from '../moderation/hook.js';
import { ProxyCallError, ProxyCaller } from '../proxy/call.js';
import { BodyTooLarge, readCapped } from './capped-body.js';

/** 256 MB if nobody stops reading: far more than any cap here. */
const HUGE = 256 << 20;
const CHUNK = Buffer.alloc(64 * 1024, '[');

describe('capped body', () => {
  let server: Server;
  let url = '';
  /** Bytes each huge answer wrote before its client went away (or the end). */
  const written: number[] = [];

  /** Writes chunks as fast as the client reads, until HUGE or the connection closes. */
  function hugeChunked(res: ServerResponse): void {
    let sent = 0;
    let closed = false;
    res.once('close', function gone() {
      closed = true;
      written.push(sent);
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = (): void => {
      while (!closed && sent < HUGE) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  }

  before(async () => {
    server = createServer(function answer(req, res) {
      req.resume();
      if (req.url === '/huge') return hugeChunked(res);
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(10 << 20) });
        res.write(CHUNK);
        return;
      }
      // A small chunked answer (no content-length): read whole.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      res.end('true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /** Waits until the server has seen `n` huge answers end. */
  async function answersEnded(n: number): Promise<number[]> {
    for (let i = 0; i < 500 && written.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(written.length >= n, 'the server saw the client go away');
    return written.slice(-1);
  }

  test('a small chunked answer is read whole', async () => {
    assert.equal(await readCapped(await fetch(`${url}/small`), 1024), '{"ok":true}');
  });

  test('a huge chunked answer stops at the cap, and the connection with it', async () => {
    const response = await fetch(`${url}/huge`);
    assert.equal(response.headers.get('content-length'), null, 'chunked: no length up front');
    await assert.rejects(readCapped(response, 1 << 20), BodyTooLarge);
    const [sent] = await answersEnded(1);
    assert.ok(sent! < 32 << 20, `the server stopped after ${sent} bytes, not ${HUGE}`);
  });

  test('a declared length over the cap is refused before reading', async () => {
    await assert.rejects(readCapped(await fetch(`${url}/declared`), 1 << 20), BodyTooLarge);
  });

  test("the classifier hook gives up on a huge answer at its cap ('error')", async () => {
    const before = written.length;
    const hook = new ClassifierHook({ url: `${url}/huge`, timeoutMs: 60_000, batchMs: 1, maxBatch: 1 });
    const outcome = await hook.classify({ eventId: 'e', authorId: 'a', text: 'hi', newAuthor: false, reasons: [] });
    assert.deepEqual(outcome, { failure: 'error' });
    const [sent] = await answersEnded(before + 1);
    assert.ok(sent! < 32 << 20, `the server stopped after ${sent} bytes`);
  });

  test("the app's proxy gives up on a huge answer at its cap ('error')", async () => {
    const before = written.length;
    const caller = new ProxyCaller({ url: `${url}/huge`, timeoutMs: 60_000 });
    await assert.rejects(
      caller.call({ hello: 1 }),
      (error: unknown) => error instanceof ProxyCallError && error.failure === 'error',
    );
    const [sent] = await answersEnded(before + 1);
    assert.ok(sent! < 32 << 20, `the server stopped after ${sent} bytes`);
  });
});
