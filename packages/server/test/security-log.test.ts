// The security log channel (util/security-log.ts): refused handshakes, invalid tokens, rate limit
// hits and applied actions are lines with `channel: "security"` an operator can route apart,
// bounded under a flood, and never holding a token.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../src/transports/websocket.js';
import { SecurityLog } from '../src/util/security-log.js';
import { createEvent, devToken, post, startNode, waitFor } from './support.js';

type Line = any;

/** A pino logger whose lines are kept, parsed. */
function captured(): { lines: Line[]; logger: pino.Logger } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

/** The HTTP status a WebSocket handshake is refused with (101 when it is not). */
function handshakeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => reject(error));
  });
}

describe('security log', () => {
  test('a refused handshake (token, origin), a rate limit hit and an oversized frame are security lines, without tokens', async () => {
    const { lines, logger } = captured();
    const node = await startNode({ userRatePerMinute: 2 }, { logger });
    try {
      const alice = await devToken(node.url, 'alice');
      const eventId = await createEvent(node.url, alice.token);
      const ws = `${node.url.replace('http', 'ws')}/v1/events/${eventId}/ws`;
      // Alice's token with another signature: it does not verify.
      const forged = `${alice.token.slice(0, alice.token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
      assert.equal(await handshakeStatus(`${ws}?token=${forged}`), 401);
      assert.equal(await handshakeStatus(`${ws}?token=${alice.token}`, { Origin: 'https://elsewhere.example' }), 403);
      let status = 0;
      for (let i = 0; i < 10 && status !== 429; i++)
        status = (await post(node.url, alice.token, eventId, `hi ${i}`)).status;
      assert.equal(status, 429, 'the rate limit is hit');
      // A frame over the size bound: the socket is closed (1009) and the line names the bound.
      const big = new WebSocket(`${ws}?token=${alice.token}`);
      await new Promise((resolve) => big.once('open', resolve));
      big.send('x'.repeat(MAX_FRAME_BYTES + 1));
      assert.equal(await new Promise((resolve) => big.once('close', resolve)), 1009);
      // A refused request over HTTP: the line has the route, not the URL or the header.
      const refused = await post(node.url, forged, eventId, 'from a forged token');
      assert.equal(refused.status, 401);

      const security = () => lines.filter((l) => l.channel === 'security');
      await waitFor(() => security().length >= 5, 'the security lines');
      const byEvent = (event: string) => security().filter((l) => l.event === event);
      const [token] = byEvent('invalid_token').filter((l) => l.transport === 'ws');
      assert.ok(token, 'the refused token on the WebSocket');
      assert.equal(token.level, 40);
      assert.equal(token.address, '127.0.0.1');
      assert.equal(token.eventId, eventId);
      assert.equal(token.route, '/v1/events/:eventId/ws');
      assert.equal(token.code, 'unauthenticated');
      const [origin] = byEvent('forbidden');
      assert.ok(origin, 'the refused origin');
      assert.equal(origin.transport, 'ws');
      assert.match(origin.reason, /origin/);
      const [limited] = byEvent('rate_limited');
      assert.ok(limited, 'the rate limit hit');
      assert.equal(limited.userId, alice.id);
      assert.equal(limited.route, '/v1/events/:eventId/comments');
      assert.equal(limited.code, 'rate_limited');
      const [frame] = byEvent('too_large');
      assert.ok(frame, 'the oversized frame');
      assert.deepEqual([frame.userId, frame.transport, frame.max], [alice.id, 'ws', MAX_FRAME_BYTES]);
      const [http] = byEvent('invalid_token').filter((l) => l.transport === 'http');
      assert.ok(http, 'the refused token over HTTP');
      assert.equal(http.route, '/v1/events/:eventId/comments');
      // No token, nor any part of one, in any line of the log (security or not).
      for (const secret of [alice.token, forged]) {
        const signature = secret.slice(secret.lastIndexOf('.') + 1);
        const payload = secret.split('.')[1]!;
        for (const line of lines) {
          const text = JSON.stringify(line);
          assert.ok(!text.includes(signature) && !text.includes(payload), `no token in ${text}`);
        }
      }
      // Ordinary traffic is not on the security channel.
      assert.deepEqual([...new Set(security().map((l) => l.event))].sort(), [
        'forbidden',
        'invalid_token',
        'rate_limited',
        'too_large',
      ]);
    } finally {
      await node.stop();
    }
  });

  test('a flood is bounded: one line per event and address an interval, a cap a second, counts kept', () => {
    let now = 1_000_000;
    const written: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const logger = {
      warn: (fields: Record<string, unknown>, message: string) => written.push({ level: 'warn', fields, message }),
      info: (fields: Record<string, unknown>, message: string) => written.push({ level: 'info', fields, message }),
    };
    const log = new SecurityLog(logger, { perSecond: 3, intervalMs: 10_000, now: () => now });
    for (let i = 0; i < 1000; i++) log.refused('rate_limited', { address: '10.0.0.1' }, 'refused');
    assert.equal(written.length, 1, 'one line for a thousand refusals of one address');
    // Many addresses at once: at most 3 lines in this second; the next line counts the rest.
    for (let i = 0; i < 100; i++) log.refused('rate_limited', { address: `10.0.1.${i}` }, 'refused');
    assert.equal(written.length, 3);
    now += 1000;
    log.applied('ban_applied', { userId: 'u_mod', target: 'u_x', eventId: 'e1' }, 'banned');
    assert.equal(written.length, 4);
    assert.equal(written[3]!.level, 'info');
    assert.equal(written[3]!.fields.skipped, 100 - 2, 'the lines left out are counted');
    // After the interval the address's next line says how many of its lines were dropped.
    now += 10_000;
    log.refused('rate_limited', { address: '10.0.0.1' }, 'refused');
    assert.equal(written[4]!.fields.suppressed, 999);
    // A JWT-shaped string in a reason is masked; other fields are not invented.
    log.refused(
      'forbidden',
      { address: '10.0.0.2', reason: 'refused eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlX2hlcmU' },
      'x',
    );
    assert.deepEqual(written[5]!.fields, {
      channel: 'security',
      event: 'forbidden',
      address: '10.0.0.2',
      reason: 'refused [token]',
    });
    // 0 turns the channel off.
    const off: unknown[] = [];
    const silent = new SecurityLog({ warn: (f) => off.push(f), info: (f) => off.push(f) }, { perSecond: 0 });
    silent.refused('rate_limited', { address: '10.0.0.1' }, 'refused');
    silent.applied('user_erased', { target: 'u' }, 'erased');
    assert.deepEqual(off, []);
  });
});
