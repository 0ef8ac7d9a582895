// The HTTP edge over real sockets: connection slots on every path, the client's address behind a
// proxy, slow senders, viewer counting of long polls, refusals in the catalogue's shape.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { CloseCode } from '@livecomments/protocol';
import pino from 'pino';
import WebSocket from 'ws';
import { ANONYMOUS_POLLERS_PER_ADDRESS } from '../src/transports/long-poll.js';
import { api, createEvent, devToken, SseViewer, startNode, startNodeWithUsers, WsViewer, waitFor } from './support.js';

/** Sends `text` on a fresh socket; resolves with everything received once the server closes. */
function raw(port: number, text: string, endAfterMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(text);
    // A server that never answers is ended from here, so the test reports instead of hanging.
    setTimeout(() => socket.destroy(), endAfterMs).unref();
  });
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A WebSocket upgrade request with some of its headers replaced (null removes one). */
function upgrade(path: string, change: Record<string, string | null> = {}, method = 'GET'): string {
  const headers: Record<string, string | null> = {
    Host: 'x',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...change,
  };
  const lines = Object.entries(headers).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** The close code of a WebSocket that opens (or the HTTP refusal's status). */
function closeCodeOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('close', (code) => resolve(code));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Opens an SSE stream with extra headers; resolves with its status and a closer. */
function sse(
  base: string,
  eventId: string,
  headers: Record<string, string>,
): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/v1/events/${eventId}/stream`, { headers }, (res) => {
      if (res.statusCode !== 200) res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => res.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP edge', () => {
  test('refused WebSocket handshakes give their connection slot back', async () => {
    const node = await startNode({ maxConnectionsPerIp: 3 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const path = `/v1/events/${eventId}/ws`;
      const bad = [
        upgrade(path, { 'Sec-WebSocket-Key': 'bad' }),
        upgrade(path, {}, 'POST'),
        upgrade(path, { 'Sec-WebSocket-Version': '12' }),
        upgrade(path, { Upgrade: 'h2c' }),
        upgrade(path, { 'Sec-WebSocket-Protocol': 'a b' }),
        upgrade(path, { 'Sec-WebSocket-Key': null }),
      ];
      for (const request of bad) {
        for (let i = 0; i < 5; i++) {
          const answer = await raw(node.port, request);
          assert.match(answer, /^HTTP\/1\.1 4\d\d /, `refused: ${request.split('\r\n')[0]}`);
        }
      }
      // A client that hangs up while its handshake is checked.
      for (let i = 0; i < 5; i++) await raw(node.port, upgrade(path), 0);
      await waitFor(() => node.services.connections.count('127.0.0.1') === 0, 'every slot back');
      const ws = await WsViewer.open(node.url, eventId);
      const stream = await SseViewer.open(node.url, eventId);
      const poll = await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10`);
      assert.equal(poll.status, 200);
      await ws.close();
      stream.close();
    } finally {
      await node.stop();
    }
  });

  test('refused handshakes and the cap are on the security channel at warn, once per address, without tokens', async () => {
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const node = await startNode({ maxConnectionsPerIp: 1 }, { logger: pino({ level: 'warn' }, sink) });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const path = `/v1/events/${eventId}/ws?token=${owner.token}`;
      for (let i = 0; i < 20; i++) await raw(node.port, upgrade(path, { 'Sec-WebSocket-Key': 'bad' }));
      const held = await WsViewer.open(node.url, eventId, `token=${owner.token}`);
      for (let i = 0; i < 20; i++) {
        await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10&token=${owner.token}`);
      }
      await held.close();
      await waitFor(() => lines.length >= 2, 'the warnings');
      const events = lines.filter((l) => l.level === 40 && l.channel === 'security').map((l) => l.event);
      assert.deepEqual(events.sort(), ['bad_handshake', 'connection_cap'], 'one line each, not one per refusal');
      const token = owner.token.slice(-16);
      assert.ok(!lines.some((l) => JSON.stringify(l).includes(token)), 'no token in any log line');
    } finally {
      await node.stop();
    }
  });

  test('the connection cap: its own message over HTTP, close 4029 on WebSocket', async () => {
    const node = await startNode({ maxConnectionsPerIp: 1 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const first = await WsViewer.open(node.url, eventId);
      const wsUrl = `${node.url.replace('http', 'ws')}/v1/events/${eventId}/ws`;
      assert.equal(await closeCodeOf(wsUrl), CloseCode.TOO_MANY);
      // A refused socket that sends a broken frame at once (in the handshake's packet) is dropped.
      const broken = await raw(node.port, `${upgrade(`/v1/events/${eventId}/ws`)}\xff\xff\xff\xff`);
      assert.match(broken, /^HTTP\/1\.1 101 /);
      assert.equal((await api(node.url, 'GET', '/health')).status, 200, 'the node lives on');
      const poll = await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10`);
      assert.equal(poll.status, 429);
      assert.equal(poll.body.error.code, 'rate_limited');
      assert.match(poll.body.error.message, /connections/);
      assert.ok(Number(poll.headers.get('retry-after')) >= 1);
      await first.close();
      await waitFor(() => node.services.connections.count('127.0.0.1') === 0);
      const again = await WsViewer.open(node.url, eventId);
      await again.close();
    } finally {
      await node.stop();
    }
  });

  test('behind a proxy: the right-most X-Forwarded-For is the client, forged left entries count for nothing', async () => {
    const node = await startNode({ maxConnectionsPerIp: 2, trustProxy: 1 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      // The attacker (203.0.113.66 as the proxy saw it) rotates and forges the left-most entry.
      const through = (left: string) => ({ 'x-forwarded-for': `${left}, 203.0.113.66` });
      const held = [
        await sse(node.url, eventId, through('10.0.0.1')),
        await sse(node.url, eventId, through('10.0.0.2')),
      ];
      assert.deepEqual(
        held.map((h) => h.status),
        [200, 200],
      );
      assert.equal((await sse(node.url, eventId, through('10.0.0.3'))).status, 429, 'rotating does not escape');
      const wsUrl = `${node.url.replace('http', 'ws')}/v1/events/${eventId}/ws`;
      assert.equal(await closeCodeOf(wsUrl, through('10.0.0.4')), CloseCode.TOO_MANY, 'nor on WebSocket');
      const poll = await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10`, {
        headers: through('10.0.0.5'),
      });
      assert.equal(poll.status, 429, 'nor on long polling');
      // The victim's own address, forged by the attacker above, is not locked out.
      const victim = { 'x-forwarded-for': '198.51.100.9' };
      const spoofed = [
        await sse(node.url, eventId, through('198.51.100.9')),
        await sse(node.url, eventId, { 'x-forwarded-for': '198.51.100.9, 203.0.113.67' }),
      ];
      const own = await sse(node.url, eventId, victim);
      assert.equal(own.status, 200, 'the victim gets in');
      const victimPoll = await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10`, { headers: victim });
      assert.equal(victimPoll.status, 200, 'and may poll');
      for (const h of [...held, ...spoofed, own]) h.close();
    } finally {
      await node.stop();
    }
  });

  test('slow senders are cut off; SSE streams, long polls and WebSockets outlive the bound', async () => {
    const node = await startNode({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const stream = await SseViewer.open(node.url, eventId);
      const ws = await WsViewer.open(node.url, eventId);
      const polling = api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=1500`);
      const started = Date.now();
      const body = raw(
        node.port,
        'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
        20_000,
      );
      const headers = raw(node.port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 20_000);
      assert.match(await body, /^HTTP\/1\.1 408 [\s\S]*"code":"invalid_request"/);
      assert.match(await headers, /^HTTP\/1\.1 408 /);
      // Generous: without the bounds these sockets stay open for minutes.
      assert.ok(Date.now() - started < 10_000, 'cut off well within the bound and its check interval');
      assert.equal((await polling).status, 200, 'a long poll held past the bound answers');
      assert.ok(Date.now() - started > 1_000);
      assert.equal(stream.ended, false, 'the SSE stream is still open');
      assert.equal(ws.ws.readyState, WebSocket.OPEN, 'the WebSocket is still open');
      ws.send({ type: 'ping' });
      await ws.next((f) => f.type === 'pong');
      await ws.close();
      stream.close();
    } finally {
      await node.stop();
    }
  });

  test('anonymous long polls with varied User-Agents add a bounded number of viewers', async () => {
    const { node, base, alice, bob } = await startNodeWithUsers();
    try {
      const eventId = await createEvent(base, alice.token);
      for (let i = 0; i < 50; i++) {
        const res = await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0`, {
          headers: { 'user-agent': `agent ${i}` },
        });
        assert.equal(res.status, 200);
      }
      const anonymous = node.services.hub.localViewers(eventId);
      assert.ok(anonymous >= 1 && anonymous <= ANONYMOUS_POLLERS_PER_ADDRESS, `counted ${anonymous}`);
      for (const user of [alice, bob]) {
        await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0`, { token: user.token });
      }
      assert.equal(node.services.hub.localViewers(eventId), anonymous + 2, 'signed-in viewers each count');
    } finally {
      await node.stop();
    }
  });

  test('a banned user’s open WebSocket gets the ban entry, then close 4003', async () => {
    const { node, base, alice, bob, mod } = await startNodeWithUsers();
    try {
      const eventId = await createEvent(base, alice.token);
      const banned = await WsViewer.open(base, eventId, `token=${bob.token}`);
      const other = await WsViewer.open(base, eventId, `token=${alice.token}`);
      const res = await api(base, 'POST', `/v1/events/${eventId}/bans`, { token: mod.token, body: { userId: bob.id } });
      assert.equal(res.status, 201);
      await waitFor(() => banned.closeCode !== null, 'the banned socket to close');
      assert.equal(banned.closeCode, CloseCode.BANNED);
      assert.ok(
        banned.entries.some((e) => e.type === 'ban' && e.userId === bob.id),
        'the ban entry came first',
      );
      await other.next((f) => f.type === 'entries');
      assert.equal(other.ws.readyState, WebSocket.OPEN);
      await other.close();
    } finally {
      await node.stop();
    }
  });

  test('fastify and node refusals answer in the error shape', async () => {
    const { node, base, alice } = await startNodeWithUsers();
    try {
      const cases = [
        [await api(base, 'POST', '/v1/events', { token: alice.token, raw: '{' }), 400, 'invalid_request'],
        [
          await api(base, 'POST', '/v1/events', {
            token: alice.token,
            raw: '<a/>',
            headers: { 'content-type': 'application/xml' },
          }),
          400,
          'invalid_request',
        ],
        [await api(base, 'GET', '/no/such/route'), 404, 'not_found'],
        [await api(base, 'POST', '/v1/events', { token: alice.token, raw: 'x'.repeat(70_000) }), 413, 'too_large'],
        [await api(base, 'GET', `/v1/events/${'a'.repeat(300)}`), 414, 'too_large'],
        [await api(base, 'GET', '/v1/events/%zz'), 400, 'invalid_request'],
      ] as const;
      for (const [answer, status, code] of cases) {
        assert.equal(answer.status, status);
        assert.equal(answer.body.error.code, code, JSON.stringify(answer.body));
      }
      const big = await raw(node.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.match(big, /^HTTP\/1\.1 431 [\s\S]*\r\n\r\n\{"error":\{"code":"too_large"/);
      const garbage = await raw(node.port, 'NOT HTTP\r\n\r\n');
      assert.match(garbage, /^HTTP\/1\.1 400 [\s\S]*\r\n\r\n\{"error":\{"code":"invalid_request"/);
    } finally {
      await node.stop();
    }
  });
});
